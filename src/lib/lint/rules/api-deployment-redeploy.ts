/**
 * An API Gateway deployment that does not follow the API. An AWS::ApiGateway::Deployment is a
 * snapshot of the REST API taken when the resource is created; CloudFormation does not create a
 * new one when methods or resources change (the deployment's own properties did not), so the
 * stage keeps serving the first snapshot and API changes never go live. A new deployment needs a
 * new logical id: `cafe-ops deploy` renames a deployment marked with resource Metadata
 * `cafe-ops: { redeploy-on-change: true }` to a logical id carrying a hash of the API's
 * resources, so every change of the API creates a new deployment and the stage moves to it.
 *
 * Docs: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-deployment.html
 * (a deployment is not updated when the API's methods change: a new deployment, i.e. a new logical id,
 * is what redeploys the API) and https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-deploy-api.html
 */
import { isObject, type DeployRule, type RuleFinding } from '../context';

export const REDEPLOY_MARKER = 'redeploy-on-change';

const rule: DeployRule = {
  id: 'api-deployment-redeploy',
  title: 'API deployments change with the API',
  level: 'error',
  docs: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-deployment.html',
    'https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-deploy-api.html',
  ],
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const instance of ctx.instances) {
      for (const { id, resource } of ctx.resources(instance, 'AWS::ApiGateway::Deployment')) {
        const marker = isObject(resource.Metadata?.['cafe-ops']) ? (resource.Metadata['cafe-ops'] as Record<string, unknown>)[REDEPLOY_MARKER] : undefined;
        if (marker === true || marker === 'true') continue;
        findings.push({
          template: instance.template,
          path: ['Resources', id],
          message:
            `${id}: an API deployment with a fixed logical id is created once; later changes of the API's methods never reach the stage. ` +
            `Add Metadata cafe-ops: { ${REDEPLOY_MARKER}: true } so cafe-ops deploy gives it a logical id derived from a hash of the API`,
        });
      }
    }
    return findings;
  },
};
export default rule;
