import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { localWorkflow, type LocalExecutions } from '../../../functions/shared/local/workflow';
import { TaskTokenExpired } from '../../../functions/shared/ports';
import type { Deps } from '../../../functions/shared/deps';
import { LocalStepFunctions } from '../../../src/lib/dev/step-functions';
import { localDynamoClient } from '../../../src/lib/dev/dynamodb';
import { consoleLog, wireDeps, type CafeBundle, type PaymentSandbox, type SqlDatabase } from '../../../src/lib/dev/wiring';

const definition = readFileSync(resolve(__dirname, '../../../templates/statemachines/order-lifecycle.asl.json'), 'utf8');

describe('the functions\' local Workflow adapter over the local state machine', () => {
  function setup() {
    const payloads: Record<string, unknown>[] = [];
    const sfn = new LocalStepFunctions({
      definition,
      substitutions: { OrderWorkflowFunctionArn: 'order-workflow', PaymentsFunctionArn: 'payments' },
      invoke: async (_fn, payload) => {
        payloads.push(payload as Record<string, unknown>);
        return {};
      },
      stateMachineArn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:cafe-local-order-lifecycle',
    });
    // The runner is handed to the adapter as it is: no SFN client stands in.
    const workflow = localWorkflow(sfn);
    return { sfn, workflow, payloads };
  }

  it('starts one execution per order (a second start of the same order is a no-op) and resumes it with the task token', async () => {
    const { sfn, workflow, payloads } = setup();
    await workflow.start('o-1');
    await workflow.start('o-1');
    expect(sfn.listExecutions()).toHaveLength(1);
    for (let i = 0; i < 100 && !payloads.some((p) => p.action === 'awaitBarista'); i++) await new Promise((r) => setTimeout(r, 5));
    const token = String(payloads.find((p) => p.action === 'awaitBarista')!.taskToken);
    await workflow.sendTaskSuccess(token, { status: 'ready' });
    const done = await sfn.waitFor(sfn.listExecutions()[0]!.executionArn);
    expect(done.status).toBe('SUCCEEDED');
    // A used token is what AWS calls TaskDoesNotExist: the adapter turns it into TaskTokenExpired.
    await expect(workflow.sendTaskSuccess(token, {})).rejects.toBeInstanceOf(TaskTokenExpired);
    await expect(workflow.sendTaskFailure('unknown', 'OrderCancelled', 'x')).rejects.toBeInstanceOf(TaskTokenExpired);
  });

  it('answers with the errors Step Functions raises', async () => {
    const { sfn } = setup();
    const started = await sfn.startExecution({ name: 'o-2', input: '{"orderId":"o-2"}' });
    expect(started.executionArn).toMatch(/:execution:cafe-local-order-lifecycle:o-2$/);
    await expect(sfn.startExecution({ name: 'o-2', input: '{}' })).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await expect(sfn.sendTaskSuccess({ taskToken: 'nope', output: '{}' })).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await expect(sfn.sendTaskFailure({ taskToken: 'nope', error: 'x', cause: 'y' })).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await sfn.stop();
  });

  it('agrees with the functions on the shapes the CLI mirrors', () => {
    // Type-level: the runner is what the adapter takes, and the bundle's adapter is the functions' own.
    const { sfn } = setup();
    const executions: LocalExecutions = sfn;
    const adapter: CafeBundle['localWorkflow'] = localWorkflow;
    expect(adapter(executions)).toHaveProperty('start');
  });
});

describe('wireDeps', () => {
  it('builds every dependency the functions declare in Deps, pointed at the local services', async () => {
    const calls: string[] = [];
    const bundle = {
      dynamoControl: (_client: unknown, table: string) => ({ table }),
      localWorkflow: (executions: unknown) => ({ executions }),
      httpPaymentProvider: (options: { baseUrl: string }) => ({ baseUrl: options.baseUrl }),
      systemClock: { now: () => new Date(0) },
    } as unknown as CafeBundle;
    const db = {} as SqlDatabase;
    const executions = { startExecution: async () => ({}), sendTaskSuccess: async () => undefined, sendTaskFailure: async () => undefined };
    const sandbox = { url: 'http://127.0.0.1:9', apiKey: 'k' } as PaymentSandbox;
    const deps = wireDeps({
      bundle, fn: 'orders', db, dynamodb: localDynamoClient('http://127.0.0.1:8', 'eu-west-1'), sandbox, region: 'eu-west-1', log: (l) => calls.push(l),
      tables: { menu: 'm', carts: 'c', idempotency: 'i', control: 'ctl' }, executions,
      identity: { userPoolId: 'eu-west-1_local', clientId: 'client', jwks: () => ({ keys: [{ kid: 'k' }] }) },
    });
    // Type-level: what wireDeps returns has every key the functions' Deps has.
    const keys: Record<keyof Deps, true> = { db: true, reader: true, dynamodb: true, tables: true, control: true, workflow: true, payments: true, clock: true, log: true, region: true, role: true, corsOrigins: true, identity: true };
    expect(Object.keys(deps).sort()).toEqual(Object.keys(keys).sort());
    expect(deps).toMatchObject({ db, reader: db, control: { table: 'ctl' }, workflow: { executions }, payments: { baseUrl: 'http://127.0.0.1:9' }, region: 'eu-west-1', role: 'primary' });
    deps.log.info('hello', { orderId: 'o-1' });
    deps.log.warn('careful');
    expect(calls).toEqual(['[orders] hello {"orderId":"o-1"}', '[orders] warn: careful']);
    // The authorizer's JWKS source answers the local issuer's JWKS, whatever URI it is asked for.
    const jwks = await deps.identity.jwksSource.fetch('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_local/.well-known/jwks.json');
    expect(JSON.parse(new TextDecoder().decode(jwks))).toEqual({ keys: [{ kid: 'k' }] });
    deps.dynamodb.destroy();
  });

  it('logs one line per entry, without empty field sets', () => {
    const lines: string[] = [];
    consoleLog('menu', (l) => lines.push(l)).error('failed', {});
    expect(lines).toEqual(['[menu] error: failed']);
  });
});
