/**
 * The blocklist in the templates, pinned. CloudFormation updates a resource only when its template
 * properties (or the stack's tags) change, and an IPSet update writes the template's Addresses --
 * the empty list -- over what `cafe-ops waf` added. So the IP sets' properties are pinned here:
 * changing them is a decision that costs a reset (healed by the post-deploy reconcile), never an accident.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-wafv2-ipset.html
 */
import { join } from 'node:path';
import { loadTemplate } from '../../../src/lib/templates/load';
import { ipSetName } from '../../../src/lib/waf/engine';

const root = join(__dirname, '../../..');
const TEMPLATES = [
  { file: 'templates/edge.yaml', acl: 'EdgeWebAcl', scope: 'CLOUDFRONT' },
  { file: 'templates/app.yaml', acl: 'RegionalWebAcl', scope: 'REGIONAL' },
];

describe.each(TEMPLATES)('blocklist in $file', ({ file, acl, scope }) => {
  it('has an empty IPv4 and IPv6 set whose properties never change, named as cafe-ops looks them up', async () => {
    const { template } = await loadTemplate(join(root, file));
    const resources = template.Resources as unknown as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    for (const [logicalId, version] of [['BlocklistIpv4', 'IPV4'], ['BlocklistIpv6', 'IPV6']] as const) {
      const set = resources[logicalId]!;
      expect(set.Type).toBe('AWS::WAFv2::IPSet');
      expect(set.Properties).toEqual({
        Name: { 'Fn::Sub': ipSetName('${Project}', '${Environment}', version) },
        Description: 'Blocked by cafe-ops waf block - managed by the CLI, not by this template',
        Scope: scope,
        IPAddressVersion: version,
        Addresses: [],
        // A changed value of these (like a changed stack tag) updates the set, which empties it: the deploy's reconcile puts the list back.
        Tags: [
          { Key: 'Project', Value: { Ref: 'Project' } },
          { Key: 'Environment', Value: { Ref: 'Environment' } },
          { Key: 'CostCenter', Value: { Ref: 'CostCenter' } },
        ],
      });
    }
  });

  it('blocks both sets in one rule placed before the managed rule groups', async () => {
    const { template } = await loadTemplate(join(root, file));
    const rules = (template.Resources as unknown as Record<string, { Properties: { Rules: { Name: string; Priority: number; Action?: unknown; Statement: Record<string, unknown> }[] } }>)[acl]!.Properties.Rules;
    const sorted = [...rules].sort((a, b) => a.Priority - b.Priority);
    expect(sorted[0]).toMatchObject({
      Name: 'blocklist',
      Action: { Block: {} },
      Statement: { OrStatement: { Statements: [{ IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['BlocklistIpv4', 'Arn'] } } }, { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['BlocklistIpv6', 'Arn'] } } }] } },
    });
    expect(sorted.slice(1).some((r) => 'ManagedRuleGroupStatement' in r.Statement)).toBe(true);
    expect(new Set(rules.map((r) => r.Priority)).size).toBe(rules.length);
  });

  it('outputs the ARN, id and name of each set', async () => {
    const { template } = await loadTemplate(join(root, file));
    const outputs = Object.keys(template.Outputs as object);
    for (const v of ['Ipv4', 'Ipv6']) for (const what of ['Arn', 'Id', 'Name']) expect(outputs).toContain(`Blocklist${v}${what}`);
  });
});
