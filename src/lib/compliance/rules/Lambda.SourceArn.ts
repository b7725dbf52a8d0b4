import { literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'Lambda.SourceArn',
    checkov: ['CKV_AWS_364'],
    title: 'Lambda permissions for AWS services name the calling resource (SourceArn)',
    severity: 'high',
    resourceTypes: ['AWS::Lambda::Permission'],
    docUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html',
    remediation:
      'Set SourceArn to the API (arn:…:execute-api:region:account:api-id/stage/METHOD/path), rule, topic or bucket that invokes the function, and SourceAccount for S3; without it any resource of that service, in any account, may invoke the function.',
  },
  ({ id, resource }) => {
    const principal = literals(prop(resource, 'Principal'));
    if (!principal.some((p) => p.endsWith('.amazonaws.com'))) return [];
    if (prop(resource, 'SourceArn') !== undefined) return [];
    const s3 = principal.includes('s3.amazonaws.com') && prop(resource, 'SourceAccount') !== undefined;
    return s3 ? [] : [{ message: `${id} lets ${principal.join(', ')} invoke the function from any resource (no SourceArn)`, path: ['Properties', 'Principal'] }];
  },
);
