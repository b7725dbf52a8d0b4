import { catalogRule, get, isTrue, literals, prop, resourcesOfType, type CatalogViolation } from '../kit';

const SERVICE_LINKED_ROLE = 'aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig';

export default catalogRule(
  {
    id: 'Config.1',
    control: 'Config.1',
    title: 'AWS Config records all resources in every region, with its service-linked role',
    severity: 'critical',
    resourceTypes: ['AWS::Config::ConfigurationRecorder'],
    remediation:
      "Define an AWS::Config::ConfigurationRecorder in a stack that runs in both regions, with RecordingGroup.AllSupported true and RoleARN !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig'.",
  },
  ({ catalog, templates }) => {
    const violations: CatalogViolation[] = [];
    const covered = new Set<string>();
    for (const [name, stack] of Object.entries(catalog.stacks)) {
      const template = templates.get(name);
      if (!template) continue;
      for (const { id, resource } of resourcesOfType(template, 'AWS::Config::ConfigurationRecorder')) {
        const allSupported = isTrue(prop(resource, 'RecordingGroup', 'AllSupported')) && prop(resource, 'RecordingGroup', 'AllSupported') !== undefined;
        const strategy = literals(get(resource.Properties, 'RecordingGroup', 'RecordingStrategy', 'UseOnly'));
        if (!allSupported && !strategy.includes('ALL_SUPPORTED_RESOURCE_TYPES')) {
          violations.push({ template, logicalId: id, path: ['Resources', id, 'Properties', 'RecordingGroup'], message: `${id} does not record all supported resource types` });
        } else {
          for (const role of stack.regions) covered.add(role);
        }
        if (!JSON.stringify(prop(resource, 'RoleARN') ?? '').includes(SERVICE_LINKED_ROLE)) {
          violations.push({ template, logicalId: id, path: ['Resources', id, 'Properties', 'RoleARN'], message: `${id} records with a custom role instead of the AWS Config service-linked role (AWSServiceRoleForConfig)` });
        }
      }
    }
    const roles = new Set(Object.values(catalog.stacks).flatMap((s) => s.regions).filter((r) => r !== 'edge'));
    for (const role of roles) {
      if (!covered.has(role)) violations.push({ catalogLine: 1, message: `no stack of the catalog records AWS Config in the ${role} region` });
    }
    return violations;
  },
);
