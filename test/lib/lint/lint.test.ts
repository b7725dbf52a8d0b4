import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { lintCatalog, lintTemplate, lintWiring } from '../../../src/lib/lint/lint';
import { loadResourceSpec, type ResourceSpec } from '../../../src/lib/lint/spec';
import { loadCatalog, parseCatalog } from '../../../src/lib/stacks/catalog';
import { parseTemplate } from '../../../src/lib/templates/load';

const root = join(__dirname, '../../..');
let spec: ResourceSpec;
beforeAll(async () => (spec = await loadResourceSpec()));

const lint = (yaml: string) => lintTemplate(parseTemplate(yaml, 'fragment.yaml'), spec).map((f) => `${f.line} ${f.rule}: ${f.message}`);

describe('cafe-ops lint', () => {
  it('checks types, properties, required properties, GetAtt, Ref and Sub against the resource schemas, with lines', () => {
    expect(
      lint(`Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      MemorySize: lots
      Rolee: x
      Code: { S3Bucket: b, S3Keyy: k }
  Topic:
    Type: AWS::SNS::Topik
Outputs:
  A:
    Value: !GetAtt Fn.Nope
  B:
    Value: !Ref Missing
  C:
    Value: !Sub '\${Nothing}-x'
`),
    ).toEqual([
      '4 required: Fn: required property Role is missing',
      '6 type: Fn.MemorySize: expected a number',
      '7 property: Fn: unknown property Rolee (did you mean Role?)',
      '8 property: Fn.Code: unknown property S3Keyy (did you mean S3Key?)',
      '10 resource-type: Topic: unknown resource type AWS::SNS::Topik',
      '13 getatt: AWS::Lambda::Function has no attribute Nope (it has: SnapStartResponse.OptimizationStatus, SnapStartResponse.ApplyOn, SnapStartResponse, Arn)',
      '15 ref: Ref to Missing, which is neither a parameter nor a resource',
      '17 sub: ${Nothing} in Fn::Sub names nothing in the template',
    ]);
  });

  it('accepts intrinsics where values go, and nested attributes such as GlobalEndpoint.Address', () => {
    expect(
      lint(`Parameters:
  Size: { Type: Number }
Resources:
  Global:
    Type: AWS::RDS::GlobalCluster
    Properties:
      Engine: aurora-postgresql
      DeletionProtection: !If [Always, true, false]
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub '\${AWS::StackName}-\${Size}-\${Global}'
Outputs:
  Writer:
    Value: !GetAtt Global.GlobalEndpoint.Address
`),
    ).toEqual([]);
  });

  it('checks the catalog wiring: unknown parameters, unwired parameters, missing outputs, hooks', () => {
    const catalog = parseCatalog(
      `stacks:
  a: { template: a.yaml, regions: [primary, secondary], parameters: { Extra: x, FromB: { output: b.Missing } } }
  b:
    template: b.yaml
    regions: [primary, secondary]
    after:
      - invoke: { function: Fn }
      - site: { bucket: Id, distribution: Dist, config: { api: { output: b.Url } } }
`,
      '/p/templates/stacks.yaml',
    );
    const loaded = new Map([
      ['a.yaml', parseTemplate('Parameters:\n  FromB: { Type: String }\n  Needed: { Type: String }\nResources:\n  T: { Type: AWS::SNS::Topic }\n', 'a.yaml')],
      ['b.yaml', parseTemplate('Resources:\n  T: { Type: AWS::SNS::Topic }\nOutputs:\n  Id: { Value: !Ref T }\n', 'b.yaml')],
    ]);
    const file = relative(process.cwd(), '/p/templates/stacks.yaml');
    expect(lintWiring(catalog, loaded).map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([
      `${file}:1 stacks.a.parameters.Extra: a.yaml has no such parameter`,
      'a.yaml:3 parameter Needed has no default and the catalog gives it no value in the primary region',
      'a.yaml:3 parameter Needed has no default and the catalog gives it no value in the secondary region',
      `${file}:1 stacks.a.parameters.FromB reads b.Missing, which b.yaml does not output`,
      `${file}:1 stacks.b.after.1.site.config.api reads b.Url, which b.yaml does not output`,
      `${file}:1 stacks.b.after.0: function Fn is not an output of b.yaml`,
      `${file}:1 stacks.b.after.1: distribution Dist is not an output of b.yaml`,
    ]);
  });

  it('finds nothing wrong with the real catalog', async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const catalog = await loadCatalog('templates/stacks.yaml');
      const result = await lintCatalog(catalog, { cfnLint: false });
      expect(result.templates).toHaveLength(new Set(Object.values(catalog.stacks).map((s) => s.template)).size);
      expect(result.findings).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('merges cfn-lint findings when it runs (without their key path), says when it is not installed, and fails when it is broken', async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const catalog = await loadCatalog('templates/stacks.yaml');
      const result = await lintCatalog(catalog, { cfnLintCommand: 'cfn-lint-that-does-not-exist' });
      expect(result.cfnLint).toBe('not installed');

      // A stand-in that reports one match on the first file it is given, with a key path.
      const dir = mkdtempSync(join(tmpdir(), 'cafe-lint-'));
      const fake = join(dir, 'cfn-lint');
      const match = "{ Filename: process.argv[4], Level: 'Warning', Message: 'W3005 obsolete DependsOn', Rule: { Id: 'W3005' }, Location: { Start: { LineNumber: 2 }, Path: ['Resources'] } }";
      writeFileSync(fake, `#!${process.execPath}\nprocess.stdout.write(JSON.stringify([${match}]));\nprocess.exit(4);\n`, { mode: 0o755 });
      const merged = await lintCatalog(catalog, { cfnLintCommand: fake });
      expect(merged.cfnLint).toBe('ran');
      expect(merged.findings).toEqual([{ file: merged.templates[0], line: 2, level: 'warning', rule: 'W3005', message: 'W3005 obsolete DependsOn', source: 'cfn-lint' }]);

      // A broken installation is said, not taken for a clean run.
      const broken = join(dir, 'broken-cfn-lint');
      writeFileSync(broken, `#!${process.execPath}\nprocess.stderr.write('ModuleNotFoundError: No module named cfnlint\\n');\nprocess.exit(1);\n`, { mode: 0o755 });
      await expect(lintCatalog(catalog, { cfnLintCommand: broken })).rejects.toMatchObject({ code: 'CFN_LINT', message: 'cfn-lint failed: ModuleNotFoundError: No module named cfnlint' });
    } finally {
      process.chdir(cwd);
    }
    expect(readFileSync(join(root, 'templates/stacks.yaml'), 'utf8')).toContain('stacks:');
  });
});
