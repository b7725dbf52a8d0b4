/** The AWS adapters of the functions, pinned with aws-sdk-client-mock on real request shapes. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand, ExecutionAlreadyExists, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { paymentsFromEnv } from '../../functions/shared/env/payments';
import { startPaymentSandbox, type PaymentSandbox } from '../../functions/shared/local/payment-sandbox';
import { TaskTokenExpired } from '../../functions/shared/ports';
import { stepFunctionsWorkflow } from '../../functions/shared/workflow';

const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:cafe-prod-order-lifecycle';

describe('Step Functions workflow adapter', () => {
  const sfn = mockClient(SFNClient);
  beforeEach(() => sfn.reset());

  it('starts one execution per order, named after it; a second start is not an error', async () => {
    sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: `${ARN}:o-1`, startDate: new Date() }).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const workflow = stepFunctionsWorkflow(new SFNClient({ region: 'eu-west-1' }), ARN);
    await workflow.start('o-1');
    await workflow.start('o-1');
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { stateMachineArn: ARN, name: 'o-1', input: '{"orderId":"o-1"}' },
      { stateMachineArn: ARN, name: 'o-1', input: '{"orderId":"o-1"}' },
    ]);
  });

  it('answers the task token; a timed-out token is TaskTokenExpired', async () => {
    sfn.on(SendTaskSuccessCommand).resolvesOnce({}).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    sfn.on(SendTaskFailureCommand).resolves({});
    const workflow = stepFunctionsWorkflow(new SFNClient({ region: 'eu-west-1' }), ARN);
    await workflow.sendTaskSuccess('token-1', { orderId: 'o-1', status: 'ready' });
    await expect(workflow.sendTaskSuccess('token-2', {})).rejects.toBeInstanceOf(TaskTokenExpired);
    await workflow.sendTaskFailure('token-3', 'OrderCancelled', 'cancelled by the customer');
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input).toEqual({ taskToken: 'token-1', output: '{"orderId":"o-1","status":"ready"}' });
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input).toEqual({ taskToken: 'token-3', error: 'OrderCancelled', cause: 'cancelled by the customer' });
  });
});

describe('payment provider from the environment', () => {
  const secrets = mockClient(SecretsManagerClient);
  let sandbox: PaymentSandbox;
  beforeAll(async () => (sandbox = await startPaymentSandbox({ apiKey: 'rotated-key' })));
  afterAll(async () => sandbox?.close());
  beforeEach(() => secrets.reset());

  it('reads the API key from Secrets Manager once, and again after a 401 (rotation)', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify({ apiKey: 'old-key' }) })
      .resolves({ SecretString: 'rotated-key' });
    const env = { AWS_REGION: 'eu-west-1', PAYMENT_PROVIDER_URL: sandbox.url, PAYMENT_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:payment-key' };
    const provider = paymentsFromEnv(env);
    await expect(provider.authorise({ amountCents: 300, currency: 'EUR', reference: 'o-1', idempotencyKey: 'authorise-o-1' })).resolves.toMatchObject({ status: 'authorised' });
    await expect(provider.authorise({ amountCents: 300, currency: 'EUR', reference: 'o-2', idempotencyKey: 'authorise-o-2' })).resolves.toMatchObject({ status: 'authorised' });
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: env.PAYMENT_API_KEY_SECRET_ARN },
      { SecretId: env.PAYMENT_API_KEY_SECRET_ARN },
    ]);
    expect(sandbox.calls.map((c) => c.status)).toEqual([401, 201, 201]);
  });
});
