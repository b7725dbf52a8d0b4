/** Secrets Manager reads (DB credentials, the payment API key); never logged. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

let client: SecretsManagerClient | undefined;

export async function secretString(secretArn: string, region: string): Promise<string> {
  client ??= new SecretsManagerClient({ region });
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!out.SecretString) throw new Error('secret has no string value');
  return out.SecretString;
}
