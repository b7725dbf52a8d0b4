import { get, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'CloudFront.4',
    control: 'CloudFront.4',
    title: 'CloudFront distributions have origin failover (an origin group with two origins)',
    severity: 'low',
    resourceTypes: ['AWS::CloudFront::Distribution'],
    remediation: 'Add DistributionConfig.OriginGroups with a primary and a secondary origin (e.g. a replica bucket in another region) and FailoverCriteria status codes, and point the behaviours at the group.',
  },
  ({ id, resource }) => {
    const groups = get(prop(resource, 'DistributionConfig', 'OriginGroups'), 'Items');
    const ok = Array.isArray(groups) && groups.some((g) => {
      const members = get(g, 'Members', 'Items');
      return Array.isArray(members) && members.length >= 2;
    });
    return ok ? [] : [{ message: `${id} has no origin group with two origins to fail over to`, path: ['Properties', 'DistributionConfig'] }];
  },
);
