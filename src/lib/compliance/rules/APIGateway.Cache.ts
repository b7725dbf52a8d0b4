import { get, isTrue, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'APIGateway.Cache',
    checkov: ['CKV_AWS_120'],
    title: 'API Gateway REST stages cache responses',
    severity: 'low',
    resourceTypes: ['AWS::ApiGateway::Stage'],
    docUrl: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html',
    remediation:
      'Set CacheClusterEnabled: true with a CacheClusterSize, and CachingEnabled plus CacheDataEncrypted on the cacheable methods. A stage whose responses are per caller or must not be stale needs a suppression saying so.',
  },
  ({ id, resource }) => {
    const cluster = prop(resource, 'CacheClusterEnabled');
    const settings = prop(resource, 'MethodSettings');
    const anyCaching = Array.isArray(settings) && settings.some((s) => get(s, 'CachingEnabled') !== undefined && isTrue(get(s, 'CachingEnabled')));
    return cluster !== undefined && isTrue(cluster) && anyCaching ? [] : [{ message: `${id} caches no responses`, path: cluster === undefined ? ['Properties'] : ['Properties', 'CacheClusterEnabled'] }];
  },
);
