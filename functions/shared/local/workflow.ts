/**
 * The Workflow port over the local state-machine runner (src/lib/dev/step-functions.ts), used by
 * `cafe-ops dev` and the tests where functions/shared/workflow.ts uses Step Functions: the same
 * calls (an execution named after the order, the barista's token answered), the same errors
 * mapped the same way. No SFN client is faked: the runner is handed over as it is.
 */
import { TaskTokenExpired, type Workflow } from '../ports';

/** The three Step Functions calls the café makes, as the local runner answers them (with AWS's error names). */
export interface LocalExecutions {
  startExecution(request: { name: string; input: string }): Promise<unknown>;
  sendTaskSuccess(request: { taskToken: string; output: string }): Promise<void>;
  sendTaskFailure(request: { taskToken: string; error: string; cause: string }): Promise<void>;
}

/**
 * SendTaskSuccess / SendTaskFailure errors for a token no task waits for:
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 */
const GONE = new Set(['TaskDoesNotExist', 'InvalidToken', 'TaskTimedOut']);

export function localWorkflow(executions: LocalExecutions): Workflow {
  const answering = async (send: () => Promise<void>) => {
    try {
      await send();
    } catch (error) {
      const name = (error as Error).name;
      if (GONE.has(name)) throw new TaskTokenExpired(`task token no longer valid (${name})`);
      throw error;
    }
  };
  return {
    start: async (orderId) => {
      try {
        await executions.startExecution({ name: orderId, input: JSON.stringify({ orderId }) });
      } catch (error) {
        // Already started (a retried request): starting is idempotent, as in AWS.
        if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
      }
    },
    sendTaskSuccess: (taskToken, output) => answering(() => executions.sendTaskSuccess({ taskToken, output: JSON.stringify(output) })),
    sendTaskFailure: (taskToken, error, cause) => answering(() => executions.sendTaskFailure({ taskToken, error, cause })),
  };
}
