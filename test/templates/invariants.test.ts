import { loadResourceSpec } from '../../src/lib/lint/spec';
/**
 * Invariants every template of the catalog keeps: documented, safe by default, tagged, least
 * privilege, and free of hard-coded accounts, regions and secrets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCatalog, type Catalog } from '../../src/lib/stacks/catalog';
import { parseTemplate, type LoadedTemplate } from '../../src/lib/templates/load';
import { STATEFUL_TYPES } from '../../src/lib/deploy/status';
import { matchTarget, readSuppressions } from '../../src/lib/compliance/suppressions';

const root = join(__dirname, '../..');
const catalogFile = join(root, 'templates/stacks.yaml');
const catalog: Catalog = parseCatalog(readFileSync(catalogFile, 'utf8'), catalogFile);
const templates: LoadedTemplate[] = [...new Set(Object.values(catalog.stacks).map((s) => s.template))].map((file) =>
  parseTemplate(readFileSync(join(root, 'templates', file), 'utf8'), `templates/${file}`),
);
const resources = templates.flatMap((t) => Object.entries(t.template.Resources).map(([id, r]) => ({ t, id, r })));

/** Resource types in these templates that take a Tags property (list of Key/Value) or a tag map. */
function walk(value: unknown, visit: (v: unknown, path: string[]) => void, path: string[] = []): void {
  visit(value, path);
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, visit, [...path, String(i)]));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, visit, [...path, k]);
}

describe('templates of the catalog', () => {
  it('covers every stack of the design', () => {
    expect(Object.keys(catalog.stacks).sort()).toEqual(['app', 'bootstrap', 'ci', 'data', 'edge', 'identity', 'keys', 'network', 'network-peering', 'observability', 'rotation', 'security']);
  });

  it.each(templates.map((t) => [t.file, t]))('%s has a Description and parameter groups for every parameter', (_file, t) => {
    expect(t.template.Description).toMatch(/^cafe-ops /);
    const iface = t.template.Metadata?.['AWS::CloudFormation::Interface'] as { ParameterGroups: { Parameters: string[] }[] } | undefined;
    expect(iface).toBeDefined();
    const grouped = iface!.ParameterGroups.flatMap((g) => g.Parameters).sort();
    expect(grouped).toEqual(Object.keys(t.template.Parameters ?? {}).sort());
  });

  it('lets the failover role invoke only the API canary route, which is the one AWS_IAM method and goes to the health function', () => {
    const app = templates.find((t) => t.file === 'templates/app.yaml')!.template.Resources;
    const iamMethods = Object.entries(app).filter(([, r]) => r.Type === 'AWS::ApiGateway::Method' && r.Properties?.AuthorizationType === 'AWS_IAM');
    expect(iamMethods.map(([id, r]) => [id, r.Properties?.HttpMethod, (r.Properties?.ResourceId as { Ref: string }).Ref])).toEqual([['HealthCanaryMethod', 'POST', 'HealthCanaryResource']]);
    expect(app.HealthCanaryResource!.Properties).toMatchObject({ ParentId: { Ref: 'HealthResource' }, PathPart: 'canary' });
    expect(JSON.stringify(iamMethods[0]![1].Properties?.Integration)).toContain('${HealthFunction.Arn}');
    expect(app.ApiDeployment!.DependsOn).toContain('HealthCanaryMethod');
    const ci = templates.find((t) => t.file === 'templates/ci.yaml')!.template.Resources;
    const statements = (ci.FailoverRole!.Properties?.Policies as { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
    const invoke = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('execute-api:')));
    expect(invoke).toEqual([expect.objectContaining({ Action: 'execute-api:Invoke', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:execute-api:*:${AWS::AccountId}:*/*/POST/health/canary' } })]);
  });

  // RetainExceptOnCreate keeps a resource like Retain except when the operation that created it rolls back; it is a
  // DeletionPolicy value only (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html).
  it('gives every stateful resource Retain, RetainExceptOnCreate or Snapshot policies', () => {
    const missing = resources
      .filter(({ r }) => STATEFUL_TYPES.has(r.Type))
      .filter(({ r }) => !['Retain', 'RetainExceptOnCreate', 'Snapshot'].includes(r.DeletionPolicy ?? '') || !['Retain', 'Snapshot'].includes(r.UpdateReplacePolicy ?? ''))
      .map(({ t, id }) => `${t.file}:${t.lineOf(['Resources', id])} ${id}`);
    expect(missing).toEqual([]);
  });

  // Deletion protection is the data stack's DeletionProtection parameter (default 'true'; off only on the create
  // change set, so a failed first create can be deleted: see real-account.test.ts).
  it('turns on deletion protection and encryption for databases and tables', () => {
    const protectedByDefault = (v: unknown) => v === true || (JSON.stringify(v) === '{"Ref":"DeletionProtection"}');
    const data = templates.find((t) => t.file === 'templates/data.yaml')!.template;
    expect(data.Parameters!.DeletionProtection!.Default).toBe('true');
    for (const { id, r } of resources) {
      const p = r.Properties ?? {};
      if (r.Type === 'AWS::RDS::DBCluster' || r.Type === 'AWS::RDS::GlobalCluster') expect([id, protectedByDefault(p.DeletionProtection), p.StorageEncrypted]).toEqual([id, true, true]);
      if (r.Type === 'AWS::DynamoDB::GlobalTable') {
        for (const replica of p.Replicas as { DeletionProtectionEnabled: unknown; PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: boolean } }[]) {
          expect([id, protectedByDefault(replica.DeletionProtectionEnabled), replica.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled]).toEqual([id, true, true]);
        }
      }
    }
  });

  it('gives a written reason, naming the rule, for every cfn-lint check a template ignores', () => {
    const unexplained: string[] = [];
    const check = (t: LoadedTemplate, where: string, metadata: unknown) => {
      const m = (metadata ?? {}) as { 'cfn-lint'?: { config?: { ignore_checks?: string[] } }; 'cafe-ops'?: { 'lint-reason'?: string } };
      for (const rule of m['cfn-lint']?.config?.ignore_checks ?? []) {
        if (!(m['cafe-ops']?.['lint-reason'] ?? '').includes(rule)) unexplained.push(`${t.file} ${where}: ${rule}`);
      }
    };
    for (const t of templates) {
      check(t, '(template)', t.template.Metadata);
      for (const [id, r] of Object.entries(t.template.Resources)) check(t, id, r.Metadata);
    }
    expect(unexplained).toEqual([]);
  });

  it('tags every taggable resource with Project, Environment and CostCenter', async () => {
    // Taggable = the CloudFormation resource schema names a tag property; global tables tag each replica (next test).
    const spec = await loadResourceSpec();
    const untagged: string[] = [];
    for (const { t, id, r } of resources) {
      const property = spec.resource(r.Type)?.tagInformation?.tagPropertyName;
      if (!property || r.Type === 'AWS::DynamoDB::GlobalTable') continue;
      const tags = r.Properties?.[property];
      const keys = Array.isArray(tags) ? tags.map((tag: { Key: string }) => tag.Key) : Object.keys((tags as object) ?? {});
      if (!['Project', 'Environment', 'CostCenter'].every((k) => keys.includes(k))) untagged.push(`${t.file}:${t.lineOf(['Resources', id])} ${id} (${r.Type})`);
    }
    expect(untagged).toEqual([]);
  });

  it('tags every replica of the global tables', () => {
    for (const { id, r } of resources.filter(({ r }) => r.Type === 'AWS::DynamoDB::GlobalTable')) {
      for (const replica of r.Properties!.Replicas as { Tags: { Key: string }[] }[]) expect([id, replica.Tags.map((tag) => tag.Key)]).toEqual([id, ['Project', 'Environment', 'CostCenter']]);
    }
  });

  it('uses no wildcard IAM action or resource without a written reason that names its statement', () => {
    const unexplained: string[] = [];
    for (const { t, id, r } of resources) {
      const reasons = readSuppressions(r.Metadata).suppressions.filter((s) => s.rule === 'IAM.21');
      walk(r.Properties, (v, path) => {
        if (!v || typeof v !== 'object' || Array.isArray(v)) return;
        const statement = v as { Effect?: string; Action?: unknown; Resource?: unknown; Principal?: unknown };
        if (statement.Effect !== 'Allow') return;
        const actions = [statement.Action].flat();
        const res = [statement.Resource].flat();
        const wildcard = actions.some((a) => typeof a === 'string' && (a === '*' || a.endsWith(':*'))) || res.includes('*');
        const keyPath = ['Properties', ...path.map((p) => (/^\d+$/.test(p) ? Number(p) : p))];
        const covered = reasons.some((s) => matchTarget(s.target, keyPath, r) === 'match');
        if (wildcard && !covered) unexplained.push(`${t.file}:${t.lineOf(['Resources', id, 'Properties', ...path])} ${id}`);
      });
    }
    expect(unexplained).toEqual([]);
  });

  it('hard-codes no account id, region or secret', () => {
    const problems: string[] = [];
    for (const t of templates) {
      walk(t.template.Resources, (v, path) => {
        if (typeof v !== 'string') return;
        if (/\b\d{12}\b/.test(v)) problems.push(`${t.file}: account id in ${path.join('.')}`);
        if (/\b(us|eu|ap|sa|ca|me|af|il|mx)-(east|west|north|south|central|northeast|southeast)-\d\b/.test(v) && !path.includes('AlarmDescription')) {
          problems.push(`${t.file}: region in ${path.join('.')}: ${v}`);
        }
        if (/(password|secret|api[_-]?key)\s*[:=]\s*\w{6,}/i.test(v)) problems.push(`${t.file}: secret-like value in ${path.join('.')}`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('wires every parameter without a default from the catalog, and nothing the template does not declare', () => {
    for (const spec of Object.values(catalog.stacks)) {
      const t = templates.find((x) => x.file === `templates/${spec.template}`)!;
      const declared = t.template.Parameters ?? {};
      const wired = Object.keys(spec.parameters);
      expect([spec.template, wired.filter((p) => !declared[p])]).toEqual([spec.template, []]);
      const required = Object.entries(declared).filter(([, p]) => p.Default === undefined).map(([name]) => name);
      expect([spec.template, required.filter((p) => !wired.includes(p))]).toEqual([spec.template, []]);
    }
  });

  it('reads only outputs that the producing template declares', () => {
    for (const [name, spec] of Object.entries(catalog.stacks)) {
      for (const value of Object.values(spec.parameters)) {
        const sources = typeof value === 'object' && !('output' in value) && !('config' in value) && !('context' in value) && !('artifact' in value) ? Object.values(value) : [value];
        for (const source of sources) {
          if (!source || typeof source !== 'object' || !('output' in source)) continue;
          const [producer, output] = source.output.split('.') as [string, string];
          const t = templates.find((x) => x.file === `templates/${catalog.stacks[producer]!.template}`)!;
          expect([name, source.output, Boolean(t.template.Outputs?.[output])]).toEqual([name, source.output, true]);
        }
      }
    }
  });

  it('keeps the order-lifecycle definition valid: every Next and Catch target exists and the substitutions are declared', () => {
    const asl = JSON.parse(readFileSync(join(root, 'templates/statemachines/order-lifecycle.asl.json'), 'utf8'));
    const states = Object.keys(asl.States);
    expect(states).toContain(asl.StartAt);
    for (const [name, state] of Object.entries<Record<string, unknown>>(asl.States)) {
      const targets = [state.Next, ...((state.Catch as { Next: string }[] | undefined) ?? []).map((c) => c.Next)].filter(Boolean);
      for (const target of targets) expect([name, states.includes(target as string)]).toEqual([name, true]);
      if (state.Type !== 'Succeed' && state.Type !== 'Fail') expect([name, Boolean(state.Next || state.End)]).toEqual([name, true]);
    }
    const app = templates.find((t) => t.file === 'templates/app.yaml')!;
    const substitutions = Object.keys((app.template.Resources.OrderLifecycle!.Properties!.DefinitionSubstitutions as object) ?? {});
    const used = [...new Set([...JSON.stringify(asl).matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))];
    expect(used.sort()).toEqual(substitutions.sort());
  });
});
