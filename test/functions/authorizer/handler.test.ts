/**
 * The authorizer function end to end on embedded DynamoDB (dynalite) standing in for the control table: API Gateway's
 * TOKEN event in, a policy or "Unauthorized" out, and the JWKS copy that lets the secondary keep accepting valid
 * tokens while the primary region's user pool endpoint is unreachable. Global-table replication itself is AWS's: here
 * the two regions read one table, the state their replicas converge to
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html).
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createHandler, type AuthorizerDeps } from '../../../functions/authorizer/handler';
import { jwksKey } from '../../../functions/authorizer/jwks-store';
import { KeysUnavailableError } from '../../../functions/authorizer/domain';
import { silentLog, type Log } from '../../../functions/shared/ports';
import { startDynalite } from '../support/harness';
import { CLIENT_ID, FakeJwksEndpoint, JWKS_URI, POOL_ID, TestPool } from './support';

const METHOD_ARN = 'arn:aws:execute-api:eu-central-1:111111111111:abc123/live/POST/orders';
const event = (authorizationToken?: string) => ({ type: 'TOKEN', methodArn: METHOD_ARN, ...(authorizationToken === undefined ? {} : { authorizationToken }) });

describe('the authorizer function', () => {
  let dynamo: Awaited<ReturnType<typeof startDynalite>>;
  const pool = new TestPool();
  beforeAll(async () => (dynamo = await startDynalite()));
  afterAll(() => dynamo.stop());

  const authorizer = (endpoint: FakeJwksEndpoint, now = () => new Date(), log: Log = silentLog) => {
    const deps: AuthorizerDeps = { dynamodb: dynamo.client, tables: { menu: 'menu', carts: 'carts', idempotency: 'idempotency', control: 'control' }, clock: { now }, log, identity: { userPoolId: POOL_ID, clientId: CLIENT_ID, jwksSource: endpoint } };
    return createHandler(deps);
  };

  it('allows a valid token for every method of the stage, with the claims the functions read as context', async () => {
    const result = await authorizer(new FakeJwksEndpoint(() => pool.jwks()))(event(pool.idToken()));
    expect(result).toEqual({
      principalId: '7f1c2b3a-1111-4222-8333-444455556666',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-central-1:111111111111:abc123/live/*' }] },
      context: { sub: '7f1c2b3a-1111-4222-8333-444455556666', email: 'alice@example.com', username: 'alice', groups: 'admin' },
    });
    // The copy the other region will read: its item in the control table.
    const item = (await dynamo.client.send(new GetItemCommand({ TableName: 'control', Key: { pk: { S: jwksKey(POOL_ID) } } }))).Item;
    expect(JSON.parse(item!.jwks!.S!)).toEqual(pool.jwks());
    expect(item!.uri!.S).toBe(JWKS_URI);
  });

  it('throws "Unauthorized" (API Gateway answers 401) for an expired, foreign, tampered or unknown-key token, or none', async () => {
    const handler = authorizer(new FakeJwksEndpoint(() => pool.jwks()));
    const [h, p] = pool.idToken().split('.');
    for (const token of [pool.idToken({ exp: 1 }), pool.idToken({ aud: 'other' }), `${h}.${p}.${'A'.repeat(342)}`, new TestPool('key-2').idToken(), '', undefined]) {
      await expect(handler(event(token))).rejects.toThrow(/^Unauthorized$/);
    }
    await expect(handler({ type: 'REQUEST', methodArn: METHOD_ARN })).rejects.toThrow('not a TOKEN authorizer event');
  });

  it('in the secondary, keeps accepting valid tokens while the primary JWKS endpoint is unreachable, from the copy in its table', async () => {
    // The primary verified a token on a healthy day: the copy is in the global table.
    await authorizer(new FakeJwksEndpoint(() => pool.jwks()))(event(pool.idToken()));
    // Days later the primary region is down: its Cognito endpoint does not answer. A new secondary instance starts.
    const unreachable = new FakeJwksEndpoint(() => pool.jwks());
    unreachable.reachable = false;
    const warnings: Record<string, unknown>[] = [];
    const later = () => new Date(Date.now() + 3 * 24 * 3600_000);
    const secondary = authorizer(unreachable, later, { ...silentLog, warn: (_m, fields) => warnings.push(fields ?? {}) });
    await expect(secondary(event(pool.idToken({ exp: Math.floor(Date.now() / 1000) + 3600 })))).resolves.toMatchObject({ principalId: '7f1c2b3a-1111-4222-8333-444455556666' });
    expect(unreachable.calls).toEqual([JWKS_URI]);
    expect(warnings).toEqual([expect.objectContaining({ uri: JWKS_URI, error: expect.stringContaining('ETIMEDOUT') })]);
    // Bad tokens are still refused from the copy.
    await expect(secondary(event(pool.idToken({ aud: 'other' })))).rejects.toThrow(/^Unauthorized$/);
    // With a fresh copy, a new instance does not even try the endpoint.
    const fresh = new FakeJwksEndpoint(() => pool.jwks());
    fresh.reachable = false;
    await authorizer(fresh)(event(pool.idToken()));
    expect(fresh.calls).toEqual([]);
  });

  it('fails (API Gateway answers 500, the token may be valid) when there is neither an endpoint nor a copy', async () => {
    const unreachable = new FakeJwksEndpoint(() => pool.jwks());
    unreachable.reachable = false;
    const other = new TestPool();
    const deps: AuthorizerDeps = {
      dynamodb: dynamo.client,
      tables: { menu: 'menu', carts: 'carts', idempotency: 'idempotency', control: 'control' },
      clock: { now: () => new Date() },
      log: silentLog,
      identity: { userPoolId: 'eu-west-1_NoCopyYet', clientId: CLIENT_ID, jwksSource: unreachable },
    };
    const token = other.idToken({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_NoCopyYet' });
    await expect(createHandler(deps)(event(token))).rejects.toBeInstanceOf(KeysUnavailableError);
  });
});
