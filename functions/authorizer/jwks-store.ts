/**
 * The JWKS copy in the control table, this region's replica of the DynamoDB global table:
 *   { pk: "jwks#<userPoolId>", jwks: "<the JWKS as JSON>", fetchedAt, uri }
 * A copy written in either region reaches the other by the table's replication; reads are strongly consistent
 * within the region (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html).
 * The authorizer's role may read and write this one item only (dynamodb:LeadingKeys in app.yaml).
 */
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { assertIsJwks, type Jwks } from 'aws-jwt-verify/jwk';
import type { JwksCopy, JwksStore } from './domain';

export const jwksKey = (userPoolId: string) => `jwks#${userPoolId}`;

export function dynamoJwksStore(dynamodb: DynamoDBClient, table: string, userPoolId: string): JwksStore {
  const pk = jwksKey(userPoolId);
  return {
    async get() {
      const item = (await dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item;
      const text = item?.jwks?.S;
      if (!text || !item?.fetchedAt?.S) return undefined;
      const jwks = JSON.parse(text) as unknown;
      assertIsJwks(jwks as never);
      return { jwks: jwks as Jwks, fetchedAt: item.fetchedAt.S, uri: item.uri?.S ?? '' } satisfies JwksCopy;
    },
    async put(copy) {
      await dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: pk }, jwks: { S: JSON.stringify(copy.jwks) }, fetchedAt: { S: copy.fetchedAt }, uri: { S: copy.uri } },
        }),
      );
    },
  };
}
