/**
 * A fixed physical name with `DeletionPolicy: Retain` in a stack created with OnStackFailure=DELETE.
 *
 * `cafe-ops deploy` creates every new stack through a change set with OnStackFailure=DELETE: when
 * the create fails, CloudFormation deletes the stack. Resources with DeletionPolicy Retain are
 * kept, so one with a name the template fixes (a log group, a secret, a table, a role ...) is
 * still there when the create is retried, and the retry fails with "... already exists". AWS
 * added `RetainExceptOnCreate` for exactly this: retained on stack deletion, deleted when the
 * create that made it rolls back.
 *
 * Docs: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
 * (RetainExceptOnCreate), https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html
 * and https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html (OnStackFailure),
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html (custom names).
 */
import type { DeployRule, RuleFinding } from '../context';
import { DeployContext } from '../context';

/** The property that fixes the physical name of a resource type (the types the café and its kin use). */
export const NAME_PROPERTIES: Record<string, string[]> = {
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::SecretsManager::Secret': ['Name'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::DynamoDB::Table': ['TableName'],
  'AWS::DynamoDB::GlobalTable': ['TableName'],
  'AWS::RDS::GlobalCluster': ['GlobalClusterIdentifier'],
  'AWS::RDS::DBCluster': ['DBClusterIdentifier'],
  'AWS::RDS::DBInstance': ['DBInstanceIdentifier'],
  'AWS::RDS::DBSubnetGroup': ['DBSubnetGroupName'],
  'AWS::RDS::DBClusterParameterGroup': ['DBClusterParameterGroupName'],
  'AWS::IAM::Role': ['RoleName'],
  'AWS::IAM::ManagedPolicy': ['ManagedPolicyName'],
  'AWS::IAM::InstanceProfile': ['InstanceProfileName'],
  'AWS::IAM::User': ['UserName'],
  'AWS::IAM::Group': ['GroupName'],
  // One per service (and suffix) in the account: its name is always fixed.
  'AWS::IAM::ServiceLinkedRole': ['AWSServiceName'],
  // One per provider URL in the account.
  'AWS::IAM::OIDCProvider': ['Url'],
  'AWS::KMS::Alias': ['AliasName'],
  'AWS::SNS::Topic': ['TopicName'],
  'AWS::SQS::Queue': ['QueueName'],
  'AWS::Lambda::Function': ['FunctionName'],
  'AWS::StepFunctions::StateMachine': ['StateMachineName'],
  'AWS::ECR::Repository': ['RepositoryName'],
  'AWS::Kinesis::Stream': ['Name'],
  'AWS::Events::EventBus': ['Name'],
  'AWS::Backup::BackupVault': ['BackupVaultName'],
  'AWS::Cognito::UserPoolDomain': ['Domain'],
  'AWS::CloudWatch::Dashboard': ['DashboardName'],
};

const rule: DeployRule = {
  id: 'retain-fixed-name',
  title: 'No fixed name kept by a failed create',
  level: 'error',
  docs: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html',
  ],
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const instance of ctx.instances) {
      for (const { id, resource } of ctx.resources(instance, (type) => type in NAME_PROPERTIES)) {
        if (resource.DeletionPolicy !== 'Retain') continue;
        const path = NAME_PROPERTIES[resource.Type]!;
        const name = path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), resource.Properties);
        if (name === undefined || JSON.stringify(name).includes('AWS::StackId')) continue;
        const rendered = ctx.render(instance, name);
        findings.push({
          template: instance.template,
          path: ['Resources', id, 'DeletionPolicy'],
          message:
            `${id} (${resource.Type}) has the fixed name ${rendered ? DeployContext.show(rendered) : path.join('.')} and DeletionPolicy Retain: ` +
            `a failed create of the ${instance.stack} stack (OnStackFailure=DELETE) keeps it, and the retry fails with "already exists". Use DeletionPolicy RetainExceptOnCreate`,
        });
      }
    }
    return findings;
  },
};
export default rule;
