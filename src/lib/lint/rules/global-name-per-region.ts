/**
 * A globally unique name fixed in a stack deployed to two regions.
 *
 * IAM is a global service: role, managed policy, instance profile, user and group names, the
 * service-linked role of a service and an OIDC provider's URL are unique in the account, across
 * regions. S3 bucket names are unique across all accounts; CloudFront's policies, functions and
 * origin access controls, Budgets' budgets, Aurora global cluster identifiers and CloudWatch
 * dashboards are account-wide too. A stack that runs in the primary and the secondary region
 * with such a name that does not include the region creates it in the first region, and the
 * second region's stack fails with "... already exists". Names that include the region
 * (`${AWS::Region}`, a region or role parameter) or any other value that differs per region pass.
 *
 * Docs: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html (IAM names are
 * unique in the account; IAM is global), https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html,
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Introduction.html (a global service),
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Dashboards.html (dashboards are global),
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html,
 * https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html.
 */
import { DeployContext, isObject, type DeployRule, type Path, type RuleFinding, type StackInstance } from '../context';

/** Resource types whose name is unique in the account (or globally), and where the name is. */
export const GLOBAL_NAMES: Record<string, { kind: string; paths: Path[] }> = {
  'AWS::IAM::Role': { kind: 'IAM role', paths: [['RoleName']] },
  'AWS::IAM::ManagedPolicy': { kind: 'IAM managed policy', paths: [['ManagedPolicyName']] },
  'AWS::IAM::InstanceProfile': { kind: 'IAM instance profile', paths: [['InstanceProfileName']] },
  'AWS::IAM::User': { kind: 'IAM user', paths: [['UserName']] },
  'AWS::IAM::Group': { kind: 'IAM group', paths: [['GroupName']] },
  'AWS::IAM::ServiceLinkedRole': { kind: 'service-linked role', paths: [['AWSServiceName'], ['CustomSuffix']] },
  'AWS::IAM::OIDCProvider': { kind: 'IAM OIDC provider', paths: [['Url']] },
  'AWS::IAM::SAMLProvider': { kind: 'IAM SAML provider', paths: [['Name']] },
  'AWS::S3::Bucket': { kind: 'S3 bucket', paths: [['BucketName']] },
  'AWS::CloudFront::OriginAccessControl': { kind: 'CloudFront origin access control', paths: [['OriginAccessControlConfig', 'Name']] },
  'AWS::CloudFront::ResponseHeadersPolicy': { kind: 'CloudFront response headers policy', paths: [['ResponseHeadersPolicyConfig', 'Name']] },
  'AWS::CloudFront::CachePolicy': { kind: 'CloudFront cache policy', paths: [['CachePolicyConfig', 'Name']] },
  'AWS::CloudFront::OriginRequestPolicy': { kind: 'CloudFront origin request policy', paths: [['OriginRequestPolicyConfig', 'Name']] },
  'AWS::CloudFront::Function': { kind: 'CloudFront function', paths: [['Name']] },
  'AWS::CloudFront::KeyGroup': { kind: 'CloudFront key group', paths: [['KeyGroupConfig', 'Name']] },
  'AWS::CloudFront::PublicKey': { kind: 'CloudFront public key', paths: [['PublicKeyConfig', 'Name']] },
  'AWS::Budgets::Budget': { kind: 'budget', paths: [['Budget', 'BudgetName']] },
  'AWS::RDS::GlobalCluster': { kind: 'Aurora global cluster', paths: [['GlobalClusterIdentifier']] },
  'AWS::CloudWatch::Dashboard': { kind: 'CloudWatch dashboard', paths: [['DashboardName']] },
};

function at(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (isObject(v) ? v[String(k)] : undefined), value);
}

const rule: DeployRule = {
  id: 'global-name-per-region',
  title: 'Global names include the region in stacks of two regions',
  level: 'error',
  docs: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html',
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Dashboards.html',
  ],
  check(ctx) {
    const findings: RuleFinding[] = [];
    const byStack = new Map<string, StackInstance[]>();
    for (const instance of ctx.instances) byStack.set(instance.stack, [...(byStack.get(instance.stack) ?? []), instance]);
    for (const instances of byStack.values()) {
      if (instances.length < 2) continue;
      const template = instances[0]!.template;
      for (const [id, resource] of Object.entries(template.template.Resources)) {
        const global = resource && GLOBAL_NAMES[resource.Type];
        if (!global) continue;
        const named = global.paths[0]!;
        if (at(resource.Properties, named) === undefined) continue;
        // The name in each region the resource is created in.
        const names = new Map<string, string[]>();
        let unknown = false;
        for (const instance of instances) {
          if (!ctx.exists(instance, id)) continue;
          const parts = global.paths.map((p) => at(resource.Properties, p)).filter((v) => v !== undefined).map((v) => ctx.render(instance, v));
          if (parts.some((p) => p === undefined || DeployContext.isOpaque(p))) {
            unknown = true;
            break;
          }
          const name = parts.join('');
          names.set(name, [...(names.get(name) ?? []), instance.role]);
        }
        if (unknown) continue;
        for (const [name, roles] of names) {
          if (roles.length < 2) continue;
          findings.push({
            template,
            path: ['Resources', id, 'Properties', ...named],
            message:
              `${id}: the ${global.kind} name ${DeployContext.show(name)} is the same in the ${roles.join(' and ')} regions, but it is unique in the account across regions: ` +
              `the second region's ${instances[0]!.stack} stack fails with "already exists". Put the region in the name (\${AWS::Region}), or create it in one region only`,
          });
        }
      }
    }
    return findings;
  },
};
export default rule;
