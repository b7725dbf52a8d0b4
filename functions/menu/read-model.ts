/** The menu read model in DynamoDB: one item { pk: "menu", items, updatedAt } in the menu table. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { MenuDocument, MenuReadModel } from './domain';

export const MENU_KEY = 'menu';

export function dynamoMenuReadModel(dynamodb: DynamoDBClient, table: string): MenuReadModel {
  const doc = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  return {
    get: async () => {
      const out = await doc.send(new GetCommand({ TableName: table, Key: { pk: MENU_KEY } }));
      if (!out.Item) return undefined;
      return { items: out.Item.items as MenuDocument['items'], updatedAt: String(out.Item.updatedAt) };
    },
    put: async (document) => {
      try {
        // Two admin changes at once: the later snapshot wins, an older one never overwrites it.
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: { pk: MENU_KEY, ...document },
            ConditionExpression: 'attribute_not_exists(pk) OR updatedAt <= :at',
            ExpressionAttributeValues: { ':at': document.updatedAt },
          }),
        );
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    },
  };
}
