import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, selectEnvironment } from '../../../src/lib/config/load';
import { parseCatalog } from '../../../src/lib/stacks/catalog';

export const env = selectEnvironment(parseConfig(readFileSync(join(__dirname, '../../../cafe-ops.yml'), 'utf8')), 'staging');

/** A small two-region catalog: base → db (secondary joins primary's global id) → api → edge. */
export const catalogText = `
stacks:
  base:
    template: base.yaml
    regions: [primary, secondary]
    parameters:
      Env: { context: environment }
  db:
    template: db.yaml
    regions: [primary, secondary]
    parameters:
      BaseId: { output: base.Id }
      GlobalId: { secondary: { output: db.GlobalId, from: primary } }
      Capacity: { config: sizes.auroraMinCapacity }
  api:
    template: api.yaml
    regions: [primary, secondary]
    parameters:
      DbId: { output: db.Id }
  edge:
    template: edge.yaml
    regions: [edge]
    parameters:
      PrimaryApi: { output: api.Id, from: primary }
      SecondaryApi: { output: api.Id, from: secondary }
`;

export const catalog = () => parseCatalog(catalogText, '/project/templates/stacks.yaml', 'stacks.yaml');

export const templates: Record<string, string> = {
  'base.yaml': 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n',
  'db.yaml': 'Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: t1\n  Queue:\n    Type: AWS::SQS::Queue\n',
  'api.yaml': 'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n',
  'edge.yaml': 'Resources:\n  Dist:\n    Type: AWS::CloudFront::Distribution\n',
};

export const readTemplate = async (path: string) => {
  const name = path.split('/').pop()!;
  const body = templates[name];
  if (body === undefined) throw new Error(`no fixture template ${name}`);
  return body;
};

export const outputs = (stack: string, region: string) => ({ Id: `${stack}@${region}`, GlobalId: 'global-1' });
