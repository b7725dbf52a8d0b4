import { describeWithTool, TOOLS } from '../support/tools';
import { startMoto, type Moto } from '../support/moto';
import { startPostgres, type Postgres } from '../support/postgres';

describeWithTool(TOOLS.moto, 'moto_server test harness')('moto_server harness', () => {
  let moto: Moto;
  beforeAll(async () => (moto = await startMoto()));
  afterAll(async () => moto?.stop());

  it('answers CloudFormation on 127.0.0.1', async () => {
    const { CloudFormationClient, ListStacksCommand } = await import('@aws-sdk/client-cloudformation');
    const cfn = new CloudFormationClient({ region: 'eu-west-1', endpoint: moto.endpoint });
    const result = await cfn.send(new ListStacksCommand({}));
    expect(result.StackSummaries).toEqual([]);
    cfn.destroy();
  });
});

describeWithTool(TOOLS.postgres, 'PostgreSQL test harness')('PostgreSQL harness', () => {
  let pg: Postgres;
  beforeAll(async () => (pg = await startPostgres()));
  afterAll(async () => pg?.stop());

  it('runs a throw-away server version 15', async () => {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: await pg.createDatabase('harness') });
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    await client.end();
    expect(rows[0]?.server_version).toMatch(/^15\./);
  });
});
