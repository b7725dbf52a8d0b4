/**
 * Everything a function can depend on. Each handler module exports `createHandler(deps)` taking the
 * part of this it needs, so a local runner builds one `Deps` and wires every handler from it.
 * In AWS, each handler builds its part from the Lambda environment variables with ./env/*.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Database } from './sql';
import type { Clock, ControlPort, Log, PaymentProvider, Workflow } from './ports';

export interface Tables {
  menu: string;
  carts: string;
  idempotency: string;
  control: string;
}

/**
 * The user pool whose ID tokens the API's authorizer accepts (functions/authorizer), and where its JWKS comes from:
 * the pool's HTTPS endpoint in AWS, the local token issuer under `cafe-ops dev`.
 */
export interface IdentityProvider {
  /** <region>_<id>: fixes the issuer and the JWKS URI. */
  userPoolId: string;
  /** The storefront's app client (an ID token's aud). */
  clientId: string;
  /** aws-jwt-verify's Fetcher shape: the JWKS document's bytes for a JWKS URI. */
  jwksSource: { fetch(uri: string): Promise<ArrayBuffer> };
}

export interface Deps {
  /** The writer (Aurora global writer endpoint, or DATABASE_URL). */
  db: Database;
  /** This region's reader; may be the writer. */
  reader: Database;
  /** A plain DynamoDB client; document clients are derived from it. */
  dynamodb: DynamoDBClient;
  tables: Tables;
  control: ControlPort;
  workflow: Workflow;
  payments: PaymentProvider;
  clock: Clock;
  log: Log;
  region: string;
  /** primary or secondary: this region's role in the environment. */
  role: string;
  /** Browser origins allowed to call the API (CORS); defaults to CORS_ORIGINS. */
  corsOrigins?: string[];
  /** The user pool the authorizer verifies tokens of; only the authorizer uses it. */
  identity?: IdentityProvider;
}
