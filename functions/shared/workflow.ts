/** The Workflow port over AWS Step Functions. */
import { SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { TaskTokenExpired, type Workflow } from './ports';

export function stepFunctionsWorkflow(sfn: SFNClient, stateMachineArn: string): Workflow {
  const expired = (error: unknown) => {
    const name = (error as Error).name;
    if (name === 'TaskTimedOut' || name === 'TaskDoesNotExist' || name === 'InvalidToken') throw new TaskTokenExpired(`task token no longer valid (${name})`);
    throw error;
  };
  return {
    start: async (orderId) => {
      try {
        await sfn.send(new StartExecutionCommand({ stateMachineArn, name: orderId, input: JSON.stringify({ orderId }) }));
      } catch (error) {
        // Same name and input: the execution already exists, which is what we wanted.
        if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
      }
    },
    sendTaskSuccess: async (taskToken, output) => {
      await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })).catch(expired);
    },
    sendTaskFailure: async (taskToken, error, cause) => {
      await sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })).catch(expired);
    },
  };
}
