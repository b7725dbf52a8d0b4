import type { Output } from '../ui/output';
import type { DeployPlan, PlannedHook } from './plan';

/** The plan for people: waves, stacks per region, and each parameter's value or source. */
export function renderPlan(plan: DeployPlan, out: Output): void {
  const count = plan.waves.reduce((n, w) => n + w.length, 0);
  out.info(`Plan for ${plan.environment}: ${count} stack instances in ${plan.waves.length} waves ` +
    `(primary ${plan.regions.primary}, secondary ${plan.regions.secondary}, edge ${plan.regions.edge})`);
  plan.waves.forEach((wave, index) => {
    out.info('');
    out.info(`Wave ${index + 1}`);
    for (const node of wave) {
      const needs = node.dependsOn.length ? `  needs ${node.dependsOn.join(', ')}` : '';
      out.info(`  ${node.stackName}  ${node.region} (${node.role})  ${node.template}${needs}`);
      for (const p of node.parameters) {
        out.info(`      ${p.name} = ${p.value !== undefined ? p.value : `<${p.from}>`}${p.value !== undefined && p.from !== 'literal' ? `  (${p.from})` : ''}`);
      }
      for (const hook of node.after) {
        out.info(`      then: ${describeHook(hook)}`);
      }
    }
  });
}

function describeHook(hook: PlannedHook): string {
  if (hook.kind === 'invoke') return `invoke <${hook.function}>${hook.description ? ` (${hook.description})` : ''}`;
  if (hook.kind === 'blocklist') return `reconcile the WAF blocklist (${hook.place})`;
  return `publish site/ to <${hook.bucket}>, invalidate <${hook.distribution}>`;
}

/** The `--json` form of a plan (the graph as plain data). */
export function planToJson(plan: DeployPlan) {
  return {
    environment: plan.environment,
    regions: plan.regions,
    waves: plan.waves.map((wave) =>
      wave.map(({ id, stack, role, region, stackName, template, dependsOn, parameters, after }) => ({
        id, stack, role, region, stackName, template, dependsOn,
        parameters: parameters.map(({ name, value, from }) => ({ name, from, ...(value !== undefined ? { value } : {}) })),
        after: after.map((hook) =>
          hook.kind === 'invoke'
            ? { invoke: hook.function, ...(hook.description ? { description: hook.description } : {}) }
            : hook.kind === 'blocklist'
              ? { blocklist: hook.place }
              : { site: { bucket: hook.bucket, distribution: hook.distribution, config: hook.config.map(({ name, value, from }) => ({ name, from, ...(value !== undefined ? { value } : {}) })) } },
        ),
      })),
    ),
  };
}
