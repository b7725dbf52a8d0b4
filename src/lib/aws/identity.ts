import type { AwsClients } from './clients';
import { translateAwsError } from './errors';
import { UserError } from '../errors';
import type { Output } from '../ui/output';

/**
 * Checks the credentials before any change: they must resolve, and belong to the environment's
 * account. Against an emulator (--endpoint-url) a different account is only a warning.
 */
export async function checkAccount(clients: AwsClients, env: { name: string; accountId: string; primaryRegion: string }, out: Output): Promise<string> {
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  let account: string | undefined;
  try {
    account = (await (await clients.sts(env.primaryRegion)).send(new GetCallerIdentityCommand({}))).Account;
  } catch (error) {
    throw translateAwsError(error, 'check the AWS account');
  }
  if (account !== env.accountId) {
    const message = `the credentials are for account ${account}, but environment ${env.name} is account ${env.accountId}`;
    if (!clients.settings.endpointUrl) throw new UserError(message, 'use the profile of that account (--profile), or fix accountId in cafe-ops.yml');
    out.warn(`${message} (ignored: --endpoint-url points at an emulator)`);
  }
  return account ?? '';
}
