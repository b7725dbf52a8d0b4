/** DynamoDB: the client, the table names, the maintenance switch. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoControl } from '../control';
import type { Tables } from '../deps';
import type { ControlPort } from '../ports';
import { regionOf, type Env } from './base';

export const dynamoFromEnv = (env: Env) => new DynamoDBClient({ region: regionOf(env) });

export const tablesFromEnv = (env: Env): Tables => ({
  menu: env.MENU_TABLE ?? '',
  carts: env.CARTS_TABLE ?? '',
  idempotency: env.IDEMPOTENCY_TABLE ?? '',
  control: env.CONTROL_TABLE ?? '',
});

export const controlFromEnv = (env: Env, dynamodb: DynamoDBClient): ControlPort => dynamoControl(dynamodb, tablesFromEnv(env).control);
