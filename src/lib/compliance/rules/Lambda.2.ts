import { literals, prop, resourceRule } from '../kit';

/**
 * Lambda-managed runtimes and the day each is deprecated (from the Lambda runtimes page of the AWS
 * documentation). A runtime not listed here is reported too: add it with its date when AWS ships it.
 */
export const RUNTIME_DEPRECATION: Record<string, string> = {
  'nodejs18.x': '2025-09-01',
  'nodejs20.x': '2026-04-30',
  'nodejs22.x': '2027-04-30',
  'nodejs24.x': '2028-04-30',
  'python3.9': '2025-12-15',
  'python3.10': '2026-06-30',
  'python3.11': '2026-06-30',
  'python3.12': '2028-10-31',
  'python3.13': '2029-06-30',
  'python3.14': '2029-06-30',
  java21: '2029-06-30',
  java25: '2029-06-30',
  dotnet8: '2026-11-10',
  dotnet10: '2028-11-14',
  'ruby3.3': '2027-03-31',
  'ruby3.4': '2028-03-31',
  'provided.al2023': '2029-06-30',
};

export default resourceRule(
  {
    id: 'Lambda.2',
    control: 'Lambda.2',
    checkov: ['CKV_AWS_363'],
    title: 'Lambda functions use a supported runtime',
    severity: 'medium',
    resourceTypes: ['AWS::Lambda::Function'],
    remediation: 'Move the function to a current runtime (for Node.js: nodejs22.x or nodejs24.x) before its deprecation date; deprecated runtimes get no security patches.',
  },
  ({ id, resource, now }) => {
    if (prop(resource, 'PackageType') === 'Image') return [];
    return literals(prop(resource, 'Runtime')).flatMap((runtime) => {
      const date = RUNTIME_DEPRECATION[runtime];
      if (!date) return [{ message: `${id}: runtime ${runtime} is not a supported Lambda runtime`, path: ['Properties', 'Runtime'] }];
      if (new Date(`${date}T00:00:00Z`) <= now) return [{ message: `${id}: runtime ${runtime} was deprecated on ${date}`, path: ['Properties', 'Runtime'] }];
      return [];
    });
  },
);
