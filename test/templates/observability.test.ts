/**
 * The observability stack's dashboards: one in each region (Dashboards=per-region), or one in the primary region with
 * the widgets of both (Dashboards=one), which finds the secondary's resources by the names the other templates fix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate } from '../../src/lib/templates/load';
import { conditionValue, resolveValue, type ValueContext } from '../../src/lib/cost/estimate/values';
import { stackName } from '../../src/lib/stacks/catalog';

const root = join(__dirname, '../..');
const load = (file: string) => parseTemplate(readFileSync(join(root, 'templates', file), 'utf8'), `templates/${file}`).template;
const observability = load('observability.yaml');
const app = load('app.yaml');

const REGIONS = { primary: 'eu-west-1', secondary: 'eu-central-1' } as const;
function context(role: 'primary' | 'secondary', dashboards: string): ValueContext {
  return {
    template: observability,
    region: REGIONS[role],
    accountId: '111111111111',
    params: {
      Project: 'cafe',
      Environment: 'staging',
      CostCenter: 'cafe-platform',
      RegionRole: role,
      SecondaryRegion: REGIONS.secondary,
      AlertTopicArn: `arn:aws:sns:${REGIONS[role]}:111111111111:alerts`,
      KmsKeyArn: `arn:aws:kms:${REGIONS[role]}:111111111111:key/k`,
      ClusterIdentifier: `cafe-staging-data-cluster-${role}`,
      StateMachineArn: `arn:aws:states:${REGIONS[role]}:111111111111:stateMachine:cafe-staging-order-lifecycle`,
      MonthlyBudget: '200',
      AlertEmail: 'ops@cafe.example.com',
      LogRetentionDays: '30',
      Dashboards: dashboards,
      PermissionsBoundaryArn: '',
    },
  };
}

interface Widget {
  type: string;
  properties: { region?: string; metrics?: unknown[][] };
}
function body(ctx: ValueContext): Widget[] {
  const text = resolveValue(observability.Resources.Dashboard!.Properties!.DashboardBody, ctx);
  expect(typeof text).toBe('string');
  return (JSON.parse(text as string) as { widgets: Widget[] }).widgets;
}
/** The DashboardName output, with Ref Dashboard as the dashboard's DashboardName (what Ref returns for the type). */
function output(ctx: ValueContext): unknown {
  const ref = JSON.stringify({ Ref: 'Dashboard' });
  const name = JSON.stringify(observability.Resources.Dashboard!.Properties!.DashboardName);
  return resolveValue(JSON.parse(JSON.stringify(observability.Outputs!.DashboardName!.Value).split(ref).join(name)), ctx);
}

describe('observability dashboards', () => {
  it('per-region: a dashboard in each region, each showing only its own region', () => {
    for (const role of ['primary', 'secondary'] as const) {
      const ctx = context(role, 'per-region');
      expect(conditionValue(observability.Resources.Dashboard!.Condition!, ctx)).toBe(true);
      expect(new Set(body(ctx).map((w) => w.properties.region))).toEqual(new Set([REGIONS[role]]));
      expect(output(ctx)).toBe(`cafe-staging-${role}`);
    }
  });

  it('one: only the primary region has a dashboard, with widgets of both regions; the secondary names it as its own', () => {
    const primary = context('primary', 'one');
    const secondary = context('secondary', 'one');
    expect(conditionValue(observability.Resources.Dashboard!.Condition!, primary)).toBe(true);
    expect(conditionValue(observability.Resources.Dashboard!.Condition!, secondary)).toBe(false);
    const widgets = body(primary).filter((w) => w.type === 'metric');
    expect(widgets.filter((w) => w.properties.region === REGIONS.primary)).toHaveLength(4);
    expect(widgets.filter((w) => w.properties.region === REGIONS.secondary)).toHaveLength(4);
    // The DashboardName output keeps working in both regions: the dashboard that shows the region.
    expect(output(primary)).toBe('cafe-staging-primary');
    expect(output(secondary)).toBe('cafe-staging-primary');
  });

  it("one: the secondary's widgets use the names app.yaml fixes and the data stack's name", () => {
    const widgets = body(context('primary', 'one')).filter((w) => w.properties.region === REGIONS.secondary);
    const metrics = JSON.stringify(widgets.map((w) => w.properties.metrics));
    // app.yaml names the REST API and the state machine; the same template makes them in both regions.
    const apiName = resolveValue(app.Resources.RestApi!.Properties!.Name, { template: app, region: REGIONS.secondary, accountId: '111111111111', params: { Project: 'cafe', Environment: 'staging' } });
    const machineName = resolveValue(app.Resources.OrderLifecycle!.Properties!.StateMachineName, { template: app, region: REGIONS.secondary, accountId: '111111111111', params: { Project: 'cafe', Environment: 'staging' } });
    expect(apiName).toBe('cafe-staging-api');
    expect(metrics).toContain(`"ApiName","${apiName as string}"`);
    expect(metrics).toContain(`"StateMachineArn","arn:aws:states:${REGIONS.secondary}:111111111111:stateMachine:${machineName as string}"`);
    // data.yaml leaves the cluster's name to CloudFormation (<stack>-cluster-<random>): the search names the stack.
    expect(observability.Resources.Dashboard && load('data.yaml').Resources.Cluster!.Properties!.DBClusterIdentifier).toBeUndefined();
    expect(metrics).toContain(`DBClusterIdentifier=${stackName('cafe', 'staging', 'data')} `);
  });
});
