/** `cafe-ops waf ...`: the blocklist engine wired to AWS, and the hook the deploy calls after the edge and app stacks. */
import type { AwsClients } from '../aws/clients';
import { checkAccount } from '../aws/identity';
import { systemClock } from '../clock';
import type { ResolvedEnvironment } from '../config/load';
import type { Output } from '../ui/output';
import { callerIdentity, controlTableName, dynamoBlockStore, wafPort } from './aws';
import { block, checkBlockRequest, checkUnblockRequest, list, reconcileBlocklist, unblock, type BlockRequest, type UnblockRequest, type WafResult } from './engine';
import type { PlaceKey, WafPorts } from './ports';

export async function awsWafPorts(clients: AwsClients, env: ResolvedEnvironment): Promise<WafPorts> {
  const table = await controlTableName(clients, env);
  return {
    waf: wafPort(clients),
    store: dynamoBlockStore(clients, env.primaryRegion, table),
    caller: callerIdentity(clients, env.primaryRegion),
    clock: systemClock,
  };
}

export type WafCommand = { action: 'block'; request: BlockRequest } | { action: 'unblock'; request: UnblockRequest } | { action: 'list' };

export async function runWaf(env: ResolvedEnvironment, command: WafCommand, out: Output, clients: AwsClients): Promise<WafResult> {
  // Bad input is refused before the first AWS call.
  if (command.action === 'block') checkBlockRequest(command.request);
  if (command.action === 'unblock') checkUnblockRequest(command.request);
  await checkAccount(clients, env, out);
  const ports = await awsWafPorts(clients, env);
  out.progress(`blocklist records: ${ports.store.description}`);
  if (command.action === 'block') return block(env, command.request, ports, out);
  if (command.action === 'unblock') return unblock(env, command.request, ports, out);
  return list(env, ports);
}

/**
 * For the deploy, after the edge stack (places ['edge']) and after each app stack (['primary'] or
 * ['secondary']), or once at the end of a deploy (every place): removes the expired ranges and puts
 * back what an IPSet update reset. Never prompts; a place it cannot reach is in the result's
 * `problems` with `ok: false`. Records are removed only by a sweep of every place.
 */
export async function sweepAfterDeploy(env: ResolvedEnvironment, clients: AwsClients, places?: PlaceKey[]): Promise<WafResult> {
  return reconcileBlocklist(env, await awsWafPorts(clients, env), places ? { places } : {});
}
