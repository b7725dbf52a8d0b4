import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate } from '../../../src/lib/templates/load';
import { readTopology, READS } from '../../../src/lib/failover/topology';
import { ENV, FakeWorld, GLOBAL } from './fakes';

const root = join(__dirname, '../../..');
const template = (stack: string) => parseTemplate(readFileSync(join(root, 'templates', `${stack}.yaml`), 'utf8'), `templates/${stack}.yaml`).template;

describe('failover topology', () => {
  it('reads only outputs and parameters the real templates define', () => {
    for (const [stack, outputs] of Object.entries(READS.outputs)) {
      const defined = Object.keys(template(stack).Outputs ?? {});
      expect({ stack, missing: outputs.filter((o) => !defined.includes(o)) }).toEqual({ stack, missing: [] });
    }
    expect(Object.keys(template('data').Parameters ?? {})).toEqual(expect.arrayContaining([...READS.parameters.data]));
  });

  it('the fake café carries the real templates\u2019 output names', () => {
    const world = new FakeWorld();
    for (const [key, state] of world.stacks) {
      const stack = key.split('/')[1]!.replace('cafe-production-', '');
      const defined = Object.keys(template(stack).Outputs ?? {});
      expect({ key, unknown: Object.keys(state.outputs).filter((o) => !defined.includes(o)) }).toEqual({ key, unknown: [] });
    }
  });

  it('maps every output to the regions, and names what is missing', async () => {
    const world = new FakeWorld();
    delete world.stacks.get('eu-central-1/cafe-production-data')!.outputs.ClusterArn;
    const topology = await readTopology(ENV, world.ports().stacks);
    expect(topology).toMatchObject({
      globalClusterId: GLOBAL,
      controlTable: 'cafe-production-control',
      apiDomain: 'api.cafe.example.com',
      healthFunction: 'cafe-production-health',
      primary: { region: 'eu-west-1', clusterId: 'cafe-production-primary', healthCheckId: 'hc-primary-1111', healthUrl: 'https://api-eu-west-1.cafe.example.com/health' },
      secondary: { region: 'eu-central-1', clusterId: 'cafe-production-secondary', healthCheckId: 'hc-secondary-2222' },
      missingOutputs: ['data@secondary.ClusterArn'],
    });
    expect(topology.secondary.clusterArn).toBeUndefined();
    expect(topology.tables).toHaveLength(4);
  });

  it('with the primary region unreachable, takes the global cluster and tables from the secondary', async () => {
    const world = new FakeWorld();
    world.down.add('eu-west-1');
    const topology = await readTopology(ENV, world.ports().stacks);
    expect(topology.globalClusterId).toBe(GLOBAL);
    expect(topology.controlTable).toBe('cafe-production-control');
    expect(topology.missingOutputs).toEqual([]);
    expect(topology.stacks.filter((s) => s.status === 'UNREACHABLE').map((s) => s.stackName)).toEqual(['cafe-production-security', 'cafe-production-data', 'cafe-production-app']);
    expect(topology.stacks.find((s) => s.status === 'UNREACHABLE')!.error).toMatch(/ETIMEDOUT/);
  });
});
