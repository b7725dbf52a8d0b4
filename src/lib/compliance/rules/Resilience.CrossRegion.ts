import { sourceFor } from '../../stacks/catalog';
import { catalogRule, isObject, type CatalogViolation } from '../kit';

/** Services that are global (or served from us-east-1 for the whole account): nothing to copy per region. */
const GLOBAL_TYPE = /^AWS::(IAM|Route53|CloudFront|Budgets|Organizations|CertificateManager)::/;
/** Parameters and properties that size a region: zero in the standby means it cannot take traffic. */
const CAPACITY = /(Capacity|Count|Concurrency|ConcurrentExecutions|Instances|Size)$/;

export default catalogRule(
  {
    id: 'Resilience.CrossRegion',
    docUrl: 'https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html',
    title: 'Every regional stack runs in both regions, and the secondary has capacity',
    severity: 'medium',
    resourceTypes: ['*'],
    remediation:
      'Run regional stacks in [primary, secondary]; give the secondary region non-zero capacity (sizes.* in cafe-ops.yml, no Fn::If to 0). A stack that cannot run in the secondary needs a template-level suppression that says how the platform behaves when the primary is lost.',
  },
  ({ catalog, templates, environments, catalogLine }) => {
    const violations: CatalogViolation[] = [];
    for (const [name, stack] of Object.entries(catalog.stacks)) {
      const template = templates.get(name);
      if (!template || stack.regions.includes('edge')) continue;
      const regional = Object.values(template.template.Resources).map((r) => r?.Type).filter((t): t is string => typeof t === 'string' && !GLOBAL_TYPE.test(t));
      for (const role of ['primary', 'secondary'] as const) {
        if (stack.regions.includes(role) || regional.length === 0) continue;
        violations.push({
          template,
          path: ['Resources'],
          message: `stack ${name} runs only in the ${stack.regions.join(', ')} region but holds regional resources (${[...new Set(regional)].join(', ')}): they are not there when the ${stack.regions.join(', ')} region is lost`,
        });
      }
      if (!stack.regions.includes('secondary')) continue;
      for (const [param, spec] of Object.entries(stack.parameters)) {
        if (!CAPACITY.test(param)) continue;
        const source = sourceFor(spec, 'secondary');
        const values: { env: string; value: unknown }[] = [];
        if (typeof source === 'number') values.push({ env: 'every environment', value: source });
        else if (isObject(source) && 'config' in source && typeof source.config === 'string') {
          const key = source.config.replace(/^sizes\./, '');
          for (const env of environments) values.push({ env: env.name, value: env.sizes[key] });
        }
        for (const { env, value } of values) {
          if (typeof value === 'number' && value <= 0) {
            violations.push({ catalogLine: catalogLine(['stacks', name, 'parameters', param]), message: `stack ${name}: ${param} is ${value} in the secondary region (${env}): the standby has no capacity to fail over to` });
          }
        }
      }
      for (const [id, resource] of Object.entries(template.template.Resources)) {
        visitCapacity(resource?.Properties, ['Resources', id, 'Properties'], (path, key) =>
          violations.push({ template, logicalId: id, path, message: `${id}: ${key} can be 0 in one region (Fn::If): the standby has no capacity to fail over to` }),
        );
      }
    }
    return violations;
  },
);

function visitCapacity(value: unknown, path: (string | number)[], report: (path: (string | number)[], key: string) => void): void {
  if (Array.isArray(value)) value.forEach((v, i) => visitCapacity(v, [...path, i], report));
  else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const fnIf = isObject(child) ? child['Fn::If'] : undefined;
      if (CAPACITY.test(key) && Array.isArray(fnIf) && fnIf.slice(1).some((b) => b === 0 || b === '0')) report([...path, key], key);
      else visitCapacity(child, [...path, key], report);
    }
  }
}
