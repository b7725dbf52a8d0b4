/**
 * API Gateway stage logging without the account's CloudWatch Logs role set first.
 *
 * Execution logging (MethodSettings LoggingLevel ERROR/INFO, DataTraceEnabled) and access logging
 * (AccessLogSetting) of a REST API stage need the API Gateway account setting of the region to
 * name a role API Gateway can push logs with (AWS::ApiGateway::Account CloudWatchRoleArn). Until
 * it is set, creating the stage fails: "CloudWatch Logs role ARN must be set in account settings
 * to enable logging". The setting is per region, so the stack that sets it must be deployed
 * before the stage's stack in the same region (a dependency path in the catalog's graph), or be
 * in the same template with the stage depending on it (DependsOn).
 *
 * Docs: https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-account.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-stage.html
 */
import { isObject, list, resourceDependencies, type DeployRule, type Path, type RuleFinding } from '../context';

const ACCOUNT = 'AWS::ApiGateway::Account';

/** Where a stage (or a deployment's StageDescription) turns logging on, or undefined. */
function loggingAt(settings: unknown, base: Path): Path | undefined {
  if (!isObject(settings)) return undefined;
  const methods = list(settings.MethodSettings);
  for (const [i, m] of methods.entries()) {
    if (!isObject(m)) continue;
    if (m.LoggingLevel === 'INFO' || m.LoggingLevel === 'ERROR') return [...base, 'MethodSettings', i, 'LoggingLevel'];
    if (m.DataTraceEnabled === true || m.DataTraceEnabled === 'true') return [...base, 'MethodSettings', i, 'DataTraceEnabled'];
  }
  if (settings.LoggingLevel === 'INFO' || settings.LoggingLevel === 'ERROR') return [...base, 'LoggingLevel'];
  if (settings.DataTraceEnabled === true || settings.DataTraceEnabled === 'true') return [...base, 'DataTraceEnabled'];
  if (isObject(settings.AccessLogSetting) && settings.AccessLogSetting.DestinationArn !== undefined) return [...base, 'AccessLogSetting'];
  return undefined;
}

const rule: DeployRule = {
  id: 'apigw-logging-role',
  title: "API stage logging comes after the region's API Gateway account role",
  level: 'error',
  docs: [
    'https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-account.html',
  ],
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const instance of ctx.instances) {
      const stages = [
        ...ctx.resources(instance, 'AWS::ApiGateway::Stage').map(({ id, resource }) => ({ id, at: loggingAt(resource.Properties, ['Resources', id, 'Properties']) })),
        ...ctx.resources(instance, 'AWS::ApiGateway::Deployment').map(({ id, resource }) => ({ id, at: loggingAt(resource.Properties?.StageDescription, ['Resources', id, 'Properties', 'StageDescription']) })),
      ];
      for (const { id, at } of stages) {
        if (!at) continue;
        const local = ctx.resources(instance, ACCOUNT).map((a) => a.id);
        const deps = resourceDependencies(instance.template, id);
        if (local.some((a) => deps.has(a))) continue;
        const earlier = [...ctx.dependencies(instance.id)]
          .map((d) => ctx.instance(d))
          .filter((d) => d && d.role === instance.role && ctx.resources(d, ACCOUNT).length > 0);
        if (earlier.length > 0) continue;
        const later = ctx.instances.filter((i) => i.role === instance.role && i.id !== instance.id && ctx.resources(i, ACCOUNT).length > 0).map((i) => i.id);
        const where = local.length
          ? `${local.join(', ')} is in the same template, but ${id} has no DependsOn on it`
          : later.length
            ? `${later.join(', ')} sets it, but is not deployed before ${instance.id}`
            : 'no stack of the catalog sets it in that region';
        findings.push({
          template: instance.template,
          path: at,
          message:
            `${id} turns on stage logging in ${instance.id}, which needs the region's API Gateway account role (${ACCOUNT}) set first ` +
            `("CloudWatch Logs role ARN must be set in account settings to enable logging"): ${where}`,
        });
      }
    }
    return findings;
  },
};
export default rule;
