import { isMap, isScalar, isSeq, type Document } from 'yaml';
import { TemplatesCopy, node } from './copy';

// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-globaltable.html: a replica's key is one of its region.
describe('cross-region-edge', () => {
  let copy: TemplatesCopy;
  beforeEach(() => (copy = new TemplatesCopy()));
  afterEach(() => copy.remove());

  /** The first global table of data.yaml and the index of its replica in the secondary region. */
  function secondaryReplica(doc: Document): { table: string; index: number } {
    const resources = doc.get('Resources');
    if (!isMap(resources)) throw new Error('no Resources');
    for (const pair of resources.items) {
      const table = String(isScalar(pair.key) ? pair.key.value : pair.key);
      const replicas = doc.getIn(['Resources', table, 'Properties', 'Replicas'], true);
      if (!isSeq(replicas)) continue;
      const index = replicas.items.findIndex((r) => isMap(r) && isScalar(r.get('Region', true)) && (r.get('Region', true) as { value: unknown }).value === 'SecondaryRegion');
      if (index >= 0) return { table, index };
    }
    throw new Error('no global table with a secondary replica');
  }

  const plant = (value: string) => {
    let where = { table: '', index: 0 };
    copy.edit('data.yaml', (doc) => {
      where = secondaryReplica(doc);
      doc.setIn(['Resources', where.table, 'Properties', 'Replicas', where.index, 'SSESpecification'], node(`{ KMSMasterKeyId: ${value} }`));
    });
    return where;
  };

  /** Takes out of the catalog every value a stack reads from the secondary region: no primary instance is deployed after one of the secondary. */
  const dropEdgesToSecondary = async () => {
    const catalog = await copy.catalog();
    copy.edit('stacks.yaml', (doc) => {
      for (const [stack, spec] of Object.entries(catalog.stacks)) {
        for (const [name, value] of Object.entries(spec.parameters)) {
          if (JSON.stringify(value).includes('"from":"secondary"')) doc.deleteIn(['stacks', stack, 'parameters', name]);
        }
      }
    });
  };

  it("finds a replica key built from the secondary region's name, with no edge to that region, at the key", async () => {
    await dropEdgesToSecondary();
    const { table, index } = plant("!Sub 'arn:${AWS::Partition}:kms:${SecondaryRegion}:${AWS::AccountId}:key/mrk-0123456789abcdef0123456789abcdef'");
    const line = await copy.line('data.yaml', ['Resources', table, 'Properties', 'Replicas', index, 'SSESpecification', 'KMSMasterKeyId']);
    const found = (await copy.run('cross-region-edge')).filter((f) => f.message.startsWith(`${table} in data@primary`));
    expect(found.map((f) => `${f.file}:${f.line} ${f.level}`)).toEqual([`data.yaml:${line} error`]);
    expect(found[0]!.message).toContain('points into the secondary region (arn:${partition}:kms:<secondary region>:${account}:key/mrk-');
    expect(found[0]!.message).toContain('with no edge of the catalog to it');
  });

  it("finds a replica paired with this region's key", async () => {
    const { table } = plant('!Ref KmsKeyArn');
    const found = (await copy.run('cross-region-edge')).filter((f) => f.message.startsWith(`${table} in data@primary`));
    expect(found.map((f) => f.message)).toEqual([expect.stringMatching(/pairs the secondary region with KmsKeyArn, wired from [a-z-]+\.KmsKeyArn of the primary region/)]);
  });

  it('accepts a replica key wired from an output of the secondary region, and the peering the secondary requests with a VPC of the primary', async () => {
    const ctx = await copy.context();
    const producer = Object.entries(ctx.catalog.stacks).find(([, s]) => s.regions.includes('secondary') && ctx.templates.get(Object.keys(ctx.catalog.stacks).find((n) => ctx.catalog.stacks[n] === s)!)?.template.Outputs?.KmsKeyArn)?.[0];
    const { table } = plant('!Ref PlantedReplicaKey');
    copy.edit('data.yaml', (doc) => doc.setIn(['Parameters', 'PlantedReplicaKey'], node('{ Type: String, Default: "" }')));
    copy.edit('stacks.yaml', (doc) => doc.setIn(['stacks', 'data', 'parameters', 'PlantedReplicaKey'], node(`{ primary: { output: ${producer}.KmsKeyArn, from: secondary } }`)));
    const found = await copy.run('cross-region-edge');
    expect(found.filter((f) => f.message.startsWith(`${table} `) || f.file === 'network.yaml')).toEqual([]);
  });
});
