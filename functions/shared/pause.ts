/**
 * The write pause of a failover drill (the control table's maintenance item), as every writer
 * checks it: the API router before a route that writes (createApiHandler's writesPaused, answered
 * 503), and the order-workflow steps before they write (WorkflowError WritesPaused, for the state
 * machine to retry). The drill waits, after the pause is visible, for the longest writer timeout:
 * a request that read "not paused" just before cannot write later than that.
 */
import { WorkflowError } from './errors';
import type { ControlPort } from './ports';

/** Throws WritesPaused while the pause is set; a control table that cannot be read is an error too (never a silent write). */
export async function assertWritesOpen(control: ControlPort): Promise<void> {
  const state = await control.maintenance();
  if (state.writesPaused) throw new WorkflowError('WritesPaused', `writes are paused${state.reason ? ` (${state.reason})` : ''}; retry in ${state.retryAfterSeconds} s`);
}
