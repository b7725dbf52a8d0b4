/**
 * The control table's items, read from this region's replica of the global table (ConsistentRead is
 * strongly consistent within the region, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html):
 *   { pk: "maintenance", writesPaused, retryAfterSeconds, reason }   the write pause of a failover drill
 *   { pk: "traffic", activeRegion, updatedAt, reason }               the region that serves traffic
 */
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ControlPort, Maintenance, Traffic } from './ports';

export const MAINTENANCE_KEY = 'maintenance';
export const TRAFFIC_KEY = 'traffic';

export function dynamoControl(dynamodb: DynamoDBClient, table: string): ControlPort {
  const get = async (pk: string) => (await dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item;
  return {
    maintenance: async (): Promise<Maintenance> => {
      const item = await get(MAINTENANCE_KEY);
      const paused = item?.writesPaused?.BOOL === true;
      const retry = Number(item?.retryAfterSeconds?.N ?? 30);
      return { writesPaused: paused, retryAfterSeconds: Number.isFinite(retry) && retry > 0 ? Math.round(retry) : 30, reason: item?.reason?.S };
    },
    traffic: async (): Promise<Traffic> => {
      const item = await get(TRAFFIC_KEY);
      return {
        ...(item?.activeRegion?.S ? { activeRegion: item.activeRegion.S } : {}),
        ...(item?.updatedAt?.S ? { updatedAt: item.updatedAt.S } : {}),
        ...(item?.reason?.S ? { reason: item.reason.S } : {}),
      };
    },
  };
}
