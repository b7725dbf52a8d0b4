import { get, isFalse, isTrue, prop, resourceRule, type Violation } from '../kit';

export default resourceRule(
  {
    id: 'APIGateway.5',
    control: 'APIGateway.5',
    title: 'API Gateway REST stage caches are encrypted at rest',
    severity: 'medium',
    resourceTypes: ['AWS::ApiGateway::Stage'],
    remediation: 'Wherever a method setting has CachingEnabled: true, set CacheDataEncrypted: true as well.',
  },
  ({ id, resource }) => {
    const settings = prop(resource, 'MethodSettings');
    const violations: Violation[] = [];
    if (!Array.isArray(settings)) return violations;
    settings.forEach((s, i) => {
      const caching = get(s, 'CachingEnabled');
      if (caching === undefined || !isTrue(caching)) return;
      const encrypted = get(s, 'CacheDataEncrypted');
      if (encrypted === undefined || isFalse(encrypted)) violations.push({ message: `${id} caches responses of ${String(get(s, 'HttpMethod'))} ${String(get(s, 'ResourcePath'))} unencrypted`, path: ['Properties', 'MethodSettings', i] });
    });
    return violations;
  },
);
