import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto, type Moto } from '../support/moto';
import { describeWithTool, TOOLS } from '../support/tools';
import { cli } from '../support/cli';

const root = join(__dirname, '../..');

describeWithTool(TOOLS.moto, 'failover command against moto_server')('cafe-ops failover (command, against moto_server)', () => {
  let moto: Moto;
  let dir: string;
  const env = () => ({ AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_ENDPOINT_URL: moto.endpoint });
  beforeAll(async () => {
    moto = await startMoto();
    dir = mkdtempSync(join(tmpdir(), 'cafe-failover-cli-'));
    cpSync(join(root, 'cafe-ops.yml'), join(dir, 'cafe-ops.yml'));
  }, 90_000);
  afterAll(() => moto?.stop());

  it('--dry-run --json reaches AWS through the real adapters and reports every preflight check', async () => {
    const result = await cli(['failover', '--env', 'staging', '--to', 'secondary', '--dry-run', '--json'], { cwd: dir, env: env() });
    expect(result.code).toBe(1);
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({ action: 'dry-run', ok: false, environment: 'staging', from: 'eu-west-1', to: 'eu-central-1' });
    expect(body.preflight.map((c: { id: string }) => c.id)).toEqual(['stacks', 'global-cluster', 'replication-lag', 'target-health', 'dynamodb-replicas', 'traffic', 'writes-paused', 'drill-lock', 'secret-rotation', 'secrets-keys', 'aurora-canary']);
    expect(body.preflight.find((c: { id: string }) => c.id === 'stacks').detail).toContain('cafe-staging-security (eu-west-1) is MISSING');
    expect(body.plan).toHaveLength(11);
    expect(body.plan.flatMap((p: { calls: { where: string }[] }) => p.calls).some((c: { where: string }) => c.where.includes('cafe.example.com'))).toBe(false);
    expect(result.stderr).toContain('ignored: --endpoint-url points at an emulator');
  }, 60_000);

  it('refuses a drill whose preflight fails, with one line, and --resume without a journal', async () => {
    const refused = await cli(['failover', '--env', 'staging', '--to', 'secondary', '--yes'], { cwd: dir, env: env() });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^Error: preflight failed, nothing changed: stacks: .*MISSING/m);
    expect(refused.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    const resume = await cli(['failover', '--env', 'staging', '--resume', '--yes'], { cwd: dir, env: env() });
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain('Error: no failover drill of staging to resume');
  }, 60_000);
});
