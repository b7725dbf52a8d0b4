import { catalogRule, get, isFalse, isTrue, list, prop, resourcesOfType, type CatalogViolation } from '../kit';

export default catalogRule(
  {
    id: 'CloudTrail.1',
    control: 'CloudTrail.1',
    checkov: ['CKV_AWS_67'],
    title: 'A multi-Region CloudTrail trail records read and write management events',
    severity: 'high',
    resourceTypes: ['AWS::CloudTrail::Trail'],
    remediation: 'Define one AWS::CloudTrail::Trail with IsMultiRegionTrail: true, IsLogging: true, IncludeGlobalServiceEvents: true, and no event selector that drops management events.',
  },
  ({ templates }) => {
    const violations: CatalogViolation[] = [];
    let good = 0;
    for (const template of templates.values()) {
      for (const { id, resource } of resourcesOfType(template, 'AWS::CloudTrail::Trail')) {
        const problems: string[] = [];
        if (!isTrue(prop(resource, 'IsMultiRegionTrail')) || prop(resource, 'IsMultiRegionTrail') === undefined) problems.push('is not multi-Region');
        if (isFalse(prop(resource, 'IsLogging'))) problems.push('is not logging');
        if (isFalse(prop(resource, 'IncludeGlobalServiceEvents'))) problems.push('skips global service events');
        const selectors = list(prop(resource, 'EventSelectors'));
        if (selectors.some((s) => isFalse(get(s, 'IncludeManagementEvents')) || (get(s, 'ReadWriteType') !== undefined && get(s, 'ReadWriteType') !== 'All'))) {
          problems.push('does not record all read and write management events');
        }
        if (problems.length === 0) good++;
        else violations.push({ template, logicalId: id, path: ['Resources', id, 'Properties'], message: `trail ${id} ${problems.join(', ')}` });
      }
    }
    if (good === 0 && violations.length === 0) violations.push({ message: 'no stack of the catalog defines a CloudTrail trail', catalogLine: 1 });
    return good > 0 ? [] : violations;
  },
);
