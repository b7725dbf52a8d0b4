/** The maintenance switch, read from the control table item { pk: "maintenance", writesPaused, retryAfterSeconds, reason }. */
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ControlPort, Maintenance } from './ports';

export const MAINTENANCE_KEY = 'maintenance';

export function dynamoControl(dynamodb: DynamoDBClient, table: string): ControlPort {
  return {
    maintenance: async (): Promise<Maintenance> => {
      const out = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: MAINTENANCE_KEY } }, ConsistentRead: true }));
      const item = out.Item;
      const paused = item?.writesPaused?.BOOL === true;
      const retry = Number(item?.retryAfterSeconds?.N ?? 30);
      return { writesPaused: paused, retryAfterSeconds: Number.isFinite(retry) && retry > 0 ? Math.round(retry) : 30, reason: item?.reason?.S };
    },
  };
}
