/**
 * IAM action families the IAM rules look for (privilege escalation, credentials exposure, data
 * exfiltration, permissions management, unconstrained writes), in the lower-case 'service:action'
 * form kit.grants matches against. Drawn from the IAM Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
 * and the escalation paths of the IAM User Guide.
 */
import { allowStatements, grantedActions, hasCondition, isOnlyBoundary, onEveryResource, statementViolation, type Statement } from './kit';
import type { ResourceContext, Violation } from './types';

export const POLICY_HOLDERS = ['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::User', 'AWS::IAM::Group'];

/** Actions that change what a principal may do: each is a way to more permissions. */
export const ESCALATION = [
  'iam:createpolicyversion', 'iam:setdefaultpolicyversion', 'iam:attachrolepolicy', 'iam:attachuserpolicy', 'iam:attachgrouppolicy',
  'iam:putrolepolicy', 'iam:putuserpolicy', 'iam:putgrouppolicy', 'iam:createrole', 'iam:updateassumerolepolicy', 'iam:addusertogroup',
  'iam:createaccesskey', 'iam:createloginprofile', 'iam:updateloginprofile', 'iam:deleterolepermissionsboundary', 'iam:putrolepermissionsboundary',
  'iam:deleteuserpermissionsboundary', 'iam:putuserpermissionsboundary',
] as const;

export const CREDENTIALS_EXPOSURE = [
  'iam:createaccesskey', 'iam:updateaccesskey', 'iam:createloginprofile', 'iam:updateloginprofile', 'iam:createservicespecificcredential',
  'iam:resetservicespecificcredential', 'sts:getfederationtoken', 'sts:getsessiontoken', 'sts:assumerole', 'ecr:getauthorizationtoken',
  'redshift:getclustercredentials', 'rds-db:connect', 'sso:getrolecredentials', 'cognito-identity:getcredentialsforidentity',
  'cognito-identity:getopenidtoken', 'codecommit:getrepositorycredentials', 'lightsail:getinstanceaccessdetails', 'gamelift:requestuploadcredentials',
] as const;

export const DATA_EXFILTRATION = ['s3:getobject', 'ssm:getparameter', 'ssm:getparameters', 'ssm:getparametersbypath', 'secretsmanager:getsecretvalue'] as const;

export const PERMISSIONS_MANAGEMENT = [
  ...ESCALATION, 'iam:createpolicy', 'iam:deletepolicy', 'iam:deletepolicyversion', 'iam:detachrolepolicy', 'iam:detachuserpolicy', 'iam:detachgrouppolicy',
  'iam:deleterolepolicy', 'iam:deleteuserpolicy', 'iam:deletegrouppolicy', 'iam:passrole',
  's3:putbucketpolicy', 's3:deletebucketpolicy', 's3:putbucketacl', 's3:putobjectacl', 'kms:putkeypolicy', 'kms:creategrant',
  'sns:addpermission', 'sns:settopicattributes', 'sqs:addpermission', 'lambda:addpermission', 'lambda:removepermission',
  'secretsmanager:putresourcepolicy', 'ecr:setrepositorypolicy', 'logs:putresourcepolicy', 'apigateway:updaterestapipolicy', 'glacier:setvaultaccesspolicy',
] as const;

/**
 * Actions whose only resource is '*' in the Service Authorization Reference, or that AWS's own guides grant on '*':
 * Lambda's VPC network interfaces (AWSLambdaVPCAccessExecutionRole), X-Ray segments, and CloudWatch Logs
 * delivery for Step Functions logging (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html), and the
 * task-token callbacks of Step Functions, which name a token, not a resource
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html).
 * A statement of these on '*' cannot be narrowed, so the unconstrained-access rules pass it.
 */
export const ONLY_ON_EVERY_RESOURCE = new Set([
  'ec2:createnetworkinterface', 'ec2:describenetworkinterfaces', 'ec2:deletenetworkinterface', 'ec2:assignprivateipaddresses', 'ec2:unassignprivateipaddresses',
  'xray:puttracesegments', 'xray:puttelemetryrecords', 'xray:getsamplingrules', 'xray:getsamplingtargets',
  'logs:createlogdelivery', 'logs:getlogdelivery', 'logs:updatelogdelivery', 'logs:deletelogdelivery', 'logs:listlogdeliveries',
  'logs:putresourcepolicy', 'logs:describeresourcepolicies', 'logs:describeloggroups', 'cloudwatch:getmetricdata', 'cloudwatch:putmetricdata',
  'states:sendtasksuccess', 'states:sendtaskfailure', 'states:sendtaskheartbeat',
]);

/** Verbs of IAM actions that change state (the "Write" and "Permissions management" access levels). */
const WRITE_VERB = /^(create|put|update|delete|attach|detach|modify|set|add|remove|start|stop|send|publish|invoke|tag|untag|associate|disassociate|enable|disable|reset|restore|run|execute|terminate|reboot|register|deregister|replace|revoke|authorize|import|export|upload|write|copy|change|assign|unassign|apply|cancel|switchover|failover|promote|rotate|restart|purge|batchwrite|batchdelete|transact|schedule|pass)/;

export function isWriteAction(action: string): boolean {
  const [, name = ''] = action.toLowerCase().split(':');
  return name === '*' || name.includes('*') || WRITE_VERB.test(name);
}

/** Every Allow statement of the IAM policies of a resource (permissions boundaries grant nothing and are skipped). */
export function identityStatements(ctx: ResourceContext): { statement: Statement; path: (string | number)[] }[] {
  if (ctx.resource.Type === 'AWS::IAM::ManagedPolicy' && isOnlyBoundary(ctx.template, ctx.id)) return [];
  if (ctx.resource.Type === 'AWS::IAM::Role' || ctx.resource.Type === 'AWS::IAM::User' || ctx.resource.Type === 'AWS::IAM::Group') return allowStatements(ctx.resource, ['Policies']);
  return allowStatements(ctx.resource, ['PolicyDocument']);
}

/** Statements granting any of `family` on every resource with no condition, minus the actions that only exist on '*'. */
export function unconstrained(ctx: ResourceContext, family: readonly string[], what: string, pick: (a: string) => boolean = () => true): Violation[] {
  return identityStatements(ctx).flatMap(({ statement, path }) => {
    if (!onEveryResource(statement) || hasCondition(statement)) return [];
    const actions = grantedActions(statement, family).filter((a) => pick(a) && !ONLY_ON_EVERY_RESOURCE.has(a));
    return actions.length ? [statementViolation(`${ctx.id} allows ${what} on every resource without a condition: ${actions.slice(0, 5).join(', ')}${actions.length > 5 ? ', …' : ''}`, path)] : [];
  });
}
