/**
 * The current CloudFormation resource schemas from @aws-cdk/aws-service-spec (the database AWS's
 * CDK generates from), indexed for lookups. Loaded once, lazily: only `cafe-ops lint` pays for it.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

export type SpecType =
  | { type: 'string' | 'number' | 'integer' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' }
  | { type: 'array' | 'map'; element: SpecType }
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'union'; types: SpecType[] };

export interface SpecProperty {
  type: SpecType;
  previousTypes?: SpecType[];
  required?: boolean;
}

export interface SpecResource {
  cloudFormationType: string;
  properties: Record<string, SpecProperty>;
  attributes: Record<string, { type: SpecType }>;
  tagInformation?: { tagPropertyName: string; variant: string };
}

export interface SpecTypeDefinition {
  name: string;
  properties: Record<string, SpecProperty>;
}

export interface ResourceSpec {
  resource(type: string): SpecResource | undefined;
  typeDefinition(id: string): SpecTypeDefinition | undefined;
}

let cached: Promise<ResourceSpec> | undefined;

export function loadResourceSpec(): Promise<ResourceSpec> {
  cached ??= (async () => {
    const file = require.resolve('@aws-cdk/aws-service-spec/db.json.gz');
    const db = JSON.parse(gunzipSync(await readFile(file)).toString()) as {
      schema: { resource: { entities: SpecResource[] }; typeDefinition: { entities: (SpecTypeDefinition & { $id: string })[] } };
    };
    const resources = new Map(db.schema.resource.entities.map((r) => [r.cloudFormationType, r]));
    const types = new Map(db.schema.typeDefinition.entities.map((t) => [t.$id, t]));
    return { resource: (type) => resources.get(type), typeDefinition: (id) => types.get(id) };
  })();
  return cached;
}
