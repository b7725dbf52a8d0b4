import { createHandler, CHECK_TIMEOUT_MS } from '../../functions/health/handler';
import type { Database } from '../../functions/shared/sql';
import { apiEvent, bodyOf, FakeControl, MemoryLog } from './support/harness';

const hanging: Database = {
  query: () => new Promise(() => undefined),
  transaction: () => new Promise(() => undefined),
  close: async () => undefined,
};
const readOnly = (recovery: boolean): Database => ({ ...hanging, query: async <T>() => ({ rows: [{ recovery }] as T[], rowCount: 1 }) });

describe('GET /health', () => {
  it('answers 503 within its deadline when the writer hangs', async () => {
    const started = Date.now();
    const result = await createHandler({ db: hanging, control: new FakeControl(), region: 'eu-central-1', role: 'secondary', log: new MemoryLog() })(apiEvent('GET', '/health'));
    const elapsed = Date.now() - started;
    expect(result.statusCode).toBe(503);
    expect(elapsed).toBeLessThan(CHECK_TIMEOUT_MS + 1000);
    expect(bodyOf(result)).toMatchObject({ status: 'unhealthy', region: 'eu-central-1', role: 'secondary', checks: { database: { ok: false, error: `no answer within ${CHECK_TIMEOUT_MS} ms` }, dynamodb: { ok: true } } });
  });

  it('reports a reachable but read-only writer (a replica) as healthy and not writable', async () => {
    const result = await createHandler({ db: readOnly(true), control: new FakeControl(), region: 'eu-central-1', role: 'secondary', log: new MemoryLog() })(apiEvent('GET', '/health'));
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ checks: { database: { ok: true, writable: false } } });
  });
});
