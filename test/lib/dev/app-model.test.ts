import { resolve } from 'node:path';
import { buildAppModel, evaluate, readTables } from '../../../src/lib/dev/app-model';
import { localParameterValues } from '../../../src/lib/dev/local-values';
import { loadCatalog, parseCatalog } from '../../../src/lib/stacks/catalog';
import { loadTemplate, parseTemplate } from '../../../src/lib/templates/load';

const ROOT = resolve(__dirname, '../../..');

async function realModel() {
  const catalog = await loadCatalog('templates/stacks.yaml', ROOT);
  const app = await loadTemplate(resolve(ROOT, 'templates/app.yaml'));
  const data = await loadTemplate(resolve(ROOT, 'templates/data.yaml'));
  const values = await localParameterValues(catalog, 'app', { project: 'cafe', environment: 'local', region: 'eu-west-1', account: '000000000000' }, {});
  return { values, model: buildAppModel({ catalog, appStack: 'app', app: app.template, appFile: app.file, data: data.template, values }) };
}

describe('the local app model read from templates/app.yaml and the catalog', () => {
  it('has every API method of the template, with its path, authorization and function', async () => {
    const { model } = await realModel();
    expect(model.routes.map((r) => `${r.method} ${r.resource} ${r.authorization} ${r.function}${r.authorizer ? ` (authorizer: ${r.authorizer})` : ''}`)).toEqual([
      'GET /admin/orders CUSTOM admin (authorizer: authorizer)',
      // Browsers' CORS preflights reach the functions, which answer them.
      'OPTIONS /admin/orders NONE admin',
      'OPTIONS /admin/orders/{orderId}/advance NONE admin',
      'POST /admin/orders/{orderId}/advance CUSTOM admin (authorizer: authorizer)',
      'GET /admin/sales/daily CUSTOM admin (authorizer: authorizer)',
      'OPTIONS /admin/sales/daily NONE admin',
      'GET /health NONE health',
      'POST /health/canary AWS_IAM health',
      'GET /menu NONE menu',
      'OPTIONS /menu NONE menu',
      'POST /menu CUSTOM menu (authorizer: authorizer)',
      'DELETE /menu/{itemId} CUSTOM menu (authorizer: authorizer)',
      'GET /menu/{itemId} NONE menu',
      'OPTIONS /menu/{itemId} NONE menu',
      'PUT /menu/{itemId} CUSTOM menu (authorizer: authorizer)',
      'GET /orders CUSTOM orders (authorizer: authorizer)',
      'OPTIONS /orders NONE orders',
      'POST /orders CUSTOM orders (authorizer: authorizer)',
      'GET /orders/{orderId} CUSTOM orders (authorizer: authorizer)',
      'OPTIONS /orders/{orderId} NONE orders',
      'OPTIONS /orders/{orderId}/cancel NONE orders',
      'POST /orders/{orderId}/cancel CUSTOM orders (authorizer: authorizer)',
    ]);
  });

  it('maps each function to its bundle entry through the catalog artifacts', async () => {
    const { model } = await realModel();
    const entries = Object.fromEntries(model.functions.map((f) => [f.name, f.entry.replace(`${ROOT}/`, '')]));
    expect(entries).toEqual({
      menu: 'functions/menu/handler.ts',
      orders: 'functions/orders/handler.ts',
      payments: 'functions/payments/handler.ts',
      admin: 'functions/admin/handler.ts',
      'order-workflow': 'functions/order-workflow/handler.ts',
      health: 'functions/health/handler.ts',
      migrate: 'functions/migrate/handler.ts',
      authorizer: 'functions/authorizer/handler.ts',
    });
    expect(model.functions.find((f) => f.name === 'orders')!.timeoutSeconds).toBe(10);
    // CUSTOM methods name their TOKEN authorizer's function and its result cache TTL.
    expect(model.routes.find((r) => r.method === 'POST' && r.resource === '/orders')).toMatchObject({ authorizer: 'authorizer', authorizerTtlSeconds: 300 });
  });

  it('resolves the functions environment with local values, table names from the data stack outputs', async () => {
    const { model } = await realModel();
    const env = model.functions.find((f) => f.name === 'orders')!.environment;
    expect(env).toMatchObject({
      MENU_TABLE: 'cafe-local-menu',
      CARTS_TABLE: 'cafe-local-carts',
      IDEMPOTENCY_TABLE: 'cafe-local-idempotency',
      CONTROL_TABLE: 'cafe-local-control',
      STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:000000000000:stateMachine:cafe-local-order-lifecycle',
      DB_NAME: 'cafe',
      POWERTOOLS_SERVICE_NAME: 'orders',
    });
  });

  it('reads the DynamoDB tables with their key schemas and TTL from the data template', async () => {
    const { model } = await realModel();
    expect(model.tables.map((t) => [t.tableName, t.keySchema.map((k) => k.AttributeName).join(), t.timeToLiveAttribute ?? '-'])).toEqual([
      ['cafe-local-menu', 'pk', '-'],
      ['cafe-local-carts', 'pk', 'expiresAt'],
      ['cafe-local-idempotency', 'id', 'expiration'],
      ['cafe-local-control', 'pk', '-'],
    ]);
  });

  it('binds the state machine placeholders to the local functions', async () => {
    const { model } = await realModel();
    expect(model.stateMachine).toEqual({
      definitionFile: resolve(ROOT, 'templates/statemachines/order-lifecycle.asl.json'),
      substitutions: { OrderWorkflowFunctionArn: 'order-workflow', PaymentsFunctionArn: 'payments' },
    });
  });

  it('refuses a function whose code does not come from a catalog bundle', () => {
    const catalog = parseCatalog('stacks:\n  app:\n    template: app.yaml\n    regions: [primary]\n    parameters:\n      Key: literal\n', resolve(ROOT, 'templates/stacks.yaml'));
    const app = parseTemplate('Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: { S3Bucket: b, S3Key: !Ref Key }\n', 'app.yaml');
    expect(() => buildAppModel({ catalog, appStack: 'app', app: app.template, appFile: 'app.yaml', values: {} })).toThrow('app.yaml: Fn: Code.S3Key must be a parameter the catalog fills from a bundle artifact');
  });
});

describe('evaluate', () => {
  const values = { Project: 'cafe', Environment: 'local', 'AWS::Region': 'eu-west-1', KeyArn: 'arn:aws:kms:eu-west-1:1:key/abc' };
  it.each([
    [{ Ref: 'Project' }, 'cafe'],
    [{ 'Fn::Sub': '${Project}-${Environment}-menu' }, 'cafe-local-menu'],
    [{ 'Fn::Sub': ['${A}/x', { A: { Ref: 'Environment' } }] }, 'local/x'],
    [{ 'Fn::Join': ['-', ['a', { Ref: 'Project' }]] }, 'a-cafe'],
    [{ 'Fn::Select': [1, { 'Fn::Split': ['key/', { Ref: 'KeyArn' }] }] }, 'abc'],
    [{ Ref: 'Unknown' }, undefined],
    [{ 'Fn::Sub': '${Unknown}-x' }, undefined],
    [{ 'Fn::GetAtt': ['Db', 'Endpoint.Address'] }, undefined],
  ])('%j → %s', (input, expected) => {
    expect(evaluate(input, values)).toBe(expected);
  });

  it('reads plain DynamoDB tables too', () => {
    const t = parseTemplate('Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: !Sub "${Project}-t"\n      AttributeDefinitions: [{ AttributeName: k, AttributeType: S }]\n      KeySchema: [{ AttributeName: k, KeyType: HASH }]\n', 'x.yaml');
    expect(readTables(t.template, values)).toEqual([
      { logicalId: 'T', tableName: 'cafe-t', attributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], keySchema: [{ AttributeName: 'k', KeyType: 'HASH' }] },
    ]);
  });
});
