/** The order-lifecycle state machine through Step Functions. */
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Workflow } from '../ports';
import { stepFunctionsWorkflow } from '../workflow';
import { regionOf, required, type Env } from './base';

export function workflowFromEnv(env: Env): Workflow {
  let workflow: Workflow | undefined;
  const get = () => (workflow ??= stepFunctionsWorkflow(new SFNClient({ region: regionOf(env) }), required(env, 'STATE_MACHINE_ARN')));
  return {
    start: (orderId) => get().start(orderId),
    sendTaskSuccess: (token, output) => get().sendTaskSuccess(token, output),
    sendTaskFailure: (token, error, cause) => get().sendTaskFailure(token, error, cause),
  };
}
