import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startPaymentSandbox } from '../../../functions/shared/local/payment-sandbox';
import { dataFolderCheck, projectRoot } from '../../../src/lib/dev/platform';

const post = (url: string, apiKey: string, body: unknown, key?: string) =>
  fetch(url, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id?: string; status?: string } }));

describe('the payment sandbox journal', () => {
  it('has every change written before it answers, and a new sandbox on the journal knows them and replays remembered replies', async () => {
    const journalFile = join(mkdtempSync(join(tmpdir(), 'cafe-sandbox-')), 'payment-sandbox.jsonl');
    const first = await startPaymentSandbox({ apiKey: 'k', journalFile });
    const auth = await post(`${first.url}/v1/authorisations`, 'k', { amount: 380, currency: 'EUR', reference: 'o-1' }, 'authorise-o-1');
    expect(auth.status).toBe(201);
    await post(`${first.url}/v1/authorisations/${auth.body.id}/capture`, 'k', {}, 'capture-o-1');
    // Read as a killed process would leave it: nothing closed or flushed on the way out.
    const lines = readFileSync(journalFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { auth?: { status: string } });
    expect(lines.filter((l) => l.auth).map((l) => l.auth!.status)).toEqual(['authorised', 'captured']);
    await first.close();
    // A torn last line (a crash mid-write) is dropped.
    appendFileSync(journalFile, '{"auth": {"id": "auth_x", "sta');

    const second = await startPaymentSandbox({ apiKey: 'k', journalFile });
    expect(second.authorisations.get(auth.body.id!)).toMatchObject({ status: 'captured', reference: 'o-1' });
    const retried = await post(`${second.url}/v1/authorisations`, 'k', { amount: 380, currency: 'EUR', reference: 'o-1' }, 'authorise-o-1');
    expect(retried.body.id).toBe(auth.body.id);
    expect(second.authorisations.size).toBe(1);
    await second.close();
  });

  it('refuses a journal damaged in the middle, naming the file and the line', async () => {
    const journalFile = join(mkdtempSync(join(tmpdir(), 'cafe-sandbox-')), 'payment-sandbox.jsonl');
    writeFileSync(journalFile, 'garbage\n{"auth": {"id": "a", "status": "authorised"}}\n');
    await expect(startPaymentSandbox({ journalFile })).rejects.toThrow(`${journalFile}, line 1, is not JSON`);
  });
});

describe('the local data folder', () => {
  it('is reported missing (with the way out, logged once) when deleted while running', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cafe-data-')), 'dev');
    mkdirSync(dir);
    let now = 0;
    const logs: string[] = [];
    const check = dataFolderCheck(dir, (l) => logs.push(l), () => now);
    expect(check()).toBeUndefined();
    rmSync(dir, { recursive: true });
    expect(check()).toBeUndefined(); // checked at most once a second
    now += 1000;
    expect(check()).toBe(`the local café's data folder ${dir} is missing: restart cafe-ops dev`);
    now += 1000;
    check();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain(`the data folder ${dir} was deleted while running`);
  });

  it('is found from the project folder, whatever subfolder a command runs in', () => {
    const root = mkdtempSync(join(tmpdir(), 'cafe-project-'));
    mkdirSync(join(root, 'templates'));
    writeFileSync(join(root, 'templates', 'stacks.yaml'), 'stacks: {}\n');
    mkdirSync(join(root, 'site', 'src'), { recursive: true });
    expect(projectRoot(join(root, 'site', 'src'))).toBe(root);
    expect(projectRoot(root)).toBe(root);
    const elsewhere = mkdtempSync(join(tmpdir(), 'cafe-elsewhere-'));
    expect(projectRoot(elsewhere)).toBe(elsewhere);
  });
});

describe('the embedded database of a new data folder', () => {
  // PGlite's WebAssembly loader needs a real dynamic import: the checks run in a plain Node process.
  const check = async (scenario: string) => {
    const tsx = join(__dirname, '../../../node_modules/.bin/tsx');
    const { stdout } = await promisify(execFile)(tsx, [join(__dirname, 'support/embedded-pg-check.ts'), scenario], { timeout: 110_000 });
    return JSON.parse(stdout.trim()) as Record<string, unknown>;
  };

  it('is a copy of an initialised cluster kept on disk (made once, by the first start); each folder keeps its own data', async () => {
    expect(await check('cache')).toEqual({ cacheMade: true, otherFolderSeesTable: false, reopenedRows: [{ n: 1 }] });
  }, 120_000);

  it('still opens (running initdb itself) when the cache cannot be written', async () => {
    expect(await check('unwritable-cache')).toEqual({ rows: [{ one: 1 }], cacheMade: false });
  }, 120_000);

  it('that is damaged is one line naming the folder, and the way out', async () => {
    const { name, message, hint } = (await check('damaged')) as { name: string; message: string; hint: string };
    expect(name).toBe('UserError');
    const dir = /^the embedded database in (\S+\/data\/pg) cannot be opened \(.+\): its files are damaged, or were written by another PGlite version$/.exec(message)?.[1];
    expect(dir).toBeDefined();
    expect(hint).toBe(`start empty with --fresh (deletes ${dir!.slice(0, -'/pg'.length)}), or move ${dir} away to keep it and run cafe-ops dev again`);
  }, 120_000);
});
