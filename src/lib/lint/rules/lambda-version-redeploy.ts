/**
 * A Lambda version that does not follow its function. An AWS::Lambda::Version is a snapshot of the
 * function's code and configuration taken when CloudFormation creates the resource, and its own
 * properties require replacement: a change of the function alone publishes nothing, so an alias on the
 * version (and its provisioned concurrency) keeps running the old code and settings. `cafe-ops deploy`
 * renames a version marked with resource Metadata `cafe-ops: { redeploy-on-change: true }` to a logical id
 * carrying a hash of everything the version locks (src/lib/templates/serialize.ts), so every change of
 * the function publishes a new version and the alias moves to it. Every version of a template counts,
 * whatever its condition: a version that exists only where a function is warm is still deployed there.
 *
 * Docs: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html
 * (a version "creates a snapshot of your function code and configuration that doesn't change") and
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html
 */
import { isObject, type DeployRule, type RuleFinding } from '../context';
import { REDEPLOY_MARKER } from './api-deployment-redeploy';

const rule: DeployRule = {
  id: 'lambda-version-redeploy',
  title: 'Lambda versions change with their function',
  level: 'error',
  docs: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html',
  ],
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const instance of ctx.instances) {
      for (const [id, resource] of Object.entries(instance.template.template.Resources)) {
        if (resource?.Type !== 'AWS::Lambda::Version') continue;
        const marker = isObject(resource.Metadata?.['cafe-ops']) ? (resource.Metadata['cafe-ops'] as Record<string, unknown>)[REDEPLOY_MARKER] : undefined;
        // As serialize.ts reads it: the boolean true (a quoted 'true' renames nothing).
        if (marker === true) continue;
        findings.push({
          template: instance.template,
          path: ['Resources', id],
          message:
            `${id}: a Lambda version with a fixed logical id is published once; later changes of its function's code or settings never reach what invokes the version. ` +
            `Add Metadata cafe-ops: { ${REDEPLOY_MARKER}: true } so cafe-ops deploy names it after a hash of the function`,
        });
      }
    }
    return findings;
  },
};
export default rule;
