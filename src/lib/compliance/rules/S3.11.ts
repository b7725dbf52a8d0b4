import { isObject, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'S3.11',
    control: 'S3.11',
    title: 'S3 buckets send event notifications',
    severity: 'medium',
    resourceTypes: ['AWS::S3::Bucket'],
    remediation: 'Set NotificationConfiguration (EventBridgeConfiguration EventBridgeEnabled: true is enough), so object changes and deletions can be watched.',
  },
  ({ id, resource }) => {
    const config = prop(resource, 'NotificationConfiguration');
    return isObject(config) && Object.keys(config).length > 0 ? [] : [{ message: `${id} sends no event notifications`, path: ['Properties'] }];
  },
);
