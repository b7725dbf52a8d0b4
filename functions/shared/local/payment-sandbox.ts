/**
 * A payment provider on 127.0.0.1 speaking the subset the café's adapter uses
 * (see ../payment-provider.ts), for tests and local runs. It can be told to decline or to be down,
 * honours Idempotency-Key like a real provider, and records every call so tests can count charges.
 *
 * Given a `journalFile`, it keeps what a real provider keeps whatever happens to the process: each
 * change (an authorisation made, captured or refunded, an idempotent reply remembered) is appended
 * as one JSON line before the answer is sent, so a crash loses nothing that was answered. At start
 * the journal is replayed and rewritten compacted (one line per authorisation and reply).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SandboxMode = 'approve' | 'decline' | 'down' | 'slow';

export interface SandboxAuthorisation {
  id: string;
  amount: number;
  currency: string;
  reference: string;
  status: 'authorised' | 'captured' | 'refunded';
}

export interface PaymentSandbox {
  url: string;
  apiKey: string;
  mode: SandboxMode;
  /** Delay of every answer in ms (mode "slow" waits 10 s). */
  delayMs: number;
  authorisations: Map<string, SandboxAuthorisation>;
  /** Every request that reached the sandbox: method, path, status answered. */
  calls: { path: string; status: number; idempotencyKey?: string; authorization?: string }[];
  /** Forgets authorisations, calls and remembered replies; back to approving. */
  reset(): void;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

type JournalEntry = { auth: SandboxAuthorisation } | { reply: string; status: number; body: unknown };

/** A sandbox journal that cannot be read: names the file and the ways out. */
export class SandboxJournalError extends Error {
  override readonly name = 'SandboxJournalError';
}

/** Replays a journal: the last line about an authorisation or a reply wins; a torn last line (a crash mid-write) is dropped. */
function readJournal(file: string): { authorisations: Map<string, SandboxAuthorisation>; replies: Map<string, { status: number; body: unknown }> } {
  const authorisations = new Map<string, SandboxAuthorisation>();
  const replies = new Map<string, { status: number; body: unknown }>();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { authorisations, replies };
    throw error;
  }
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      if (i === lines.length - 1) return;
      throw new SandboxJournalError(`${file}, line ${i + 1}, is not JSON`);
    }
    if ('auth' in entry && typeof entry.auth?.id === 'string') authorisations.set(entry.auth.id, entry.auth);
    else if ('reply' in entry && typeof entry.reply === 'string') replies.set(entry.reply, { status: entry.status, body: entry.body });
    else throw new SandboxJournalError(`${file}, line ${i + 1}, is not a sandbox journal entry`);
  });
  return { authorisations, replies };
}

export async function startPaymentSandbox(options: { apiKey?: string; port?: number; journalFile?: string } = {}): Promise<PaymentSandbox> {
  const apiKey = options.apiKey ?? `sandbox-${randomUUID()}`;
  const restored = options.journalFile ? readJournal(options.journalFile) : undefined;
  const replies = restored?.replies ?? new Map<string, { status: number; body: unknown }>();
  const sandbox: Omit<PaymentSandbox, 'url' | 'close' | 'reset'> = { apiKey, mode: 'approve', delayMs: 0, authorisations: restored?.authorisations ?? new Map(), calls: [] };
  let journal: number | undefined;
  if (options.journalFile) {
    // Compacted: written aside and renamed over the old journal, so a crash here keeps one or the other.
    const compact = [...[...sandbox.authorisations.values()].map((auth) => ({ auth })), ...[...replies].map(([reply, r]) => ({ reply, ...r }))];
    const aside = `${options.journalFile}.${process.pid}`;
    const fd = openSync(aside, 'w', 0o600);
    writeSync(fd, compact.map((e) => `${JSON.stringify(e)}\n`).join(''));
    closeSync(fd);
    renameSync(aside, options.journalFile);
    journal = openSync(options.journalFile, 'a', 0o600);
  }
  // A request's changes (its authorisation and its remembered reply) are written together, in one
  // write to the kernel before the answer leaves: a killed process keeps both or neither.
  const pending: JournalEntry[] = [];
  const record = (entry: JournalEntry) => {
    if (journal !== undefined) pending.push(entry);
  };
  const commit = () => {
    if (journal !== undefined && pending.length) writeSync(journal, pending.map((e) => `${JSON.stringify(e)}\n`).join(''));
    pending.length = 0;
  };

  const answer = (path: string, body: Record<string, unknown>): { status: number; body: unknown } => {
    if (sandbox.mode === 'down') return { status: 503, body: { error: 'unavailable' } };
    if (path === '/v1/authorisations') {
      const amount = Number(body.amount);
      if (!Number.isInteger(amount) || amount <= 0 || typeof body.currency !== 'string') return { status: 400, body: { error: 'bad amount or currency' } };
      if (sandbox.mode === 'decline') return { status: 402, body: { status: 'declined', reason: 'insufficient funds' } };
      const auth: SandboxAuthorisation = { id: `auth_${randomUUID()}`, amount, currency: body.currency, reference: String(body.reference ?? ''), status: 'authorised' };
      sandbox.authorisations.set(auth.id, auth);
      record({ auth });
      return { status: 201, body: { id: auth.id, status: 'authorised' } };
    }
    const match = /^\/v1\/authorisations\/([^/]+)\/(capture|refund)$/.exec(path);
    const auth = match ? sandbox.authorisations.get(decodeURIComponent(match[1]!)) : undefined;
    if (!match || !auth) return { status: 404, body: { error: 'not found' } };
    if (match[2] === 'capture') {
      if (auth.status === 'refunded') return { status: 409, body: { error: 'already refunded' } };
      auth.status = 'captured';
      record({ auth });
      return { status: 200, body: { id: auth.id, status: 'captured' } };
    }
    auth.status = 'refunded';
    record({ auth });
    return { status: 200, body: { id: auth.id, status: 'refunded' } };
  };

  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const path = (request.url ?? '/').split('?')[0]!;
      const key = request.headers['idempotency-key'] as string | undefined;
      const authorization = request.headers.authorization;
      const delay = sandbox.mode === 'slow' ? 10_000 : sandbox.delayMs;
      if (delay) await new Promise((r) => setTimeout(r, delay));
      let reply: { status: number; body: unknown };
      if (request.method !== 'POST') reply = { status: 405, body: { error: 'method not allowed' } };
      else if (authorization !== `Bearer ${apiKey}`) reply = { status: 401, body: { error: 'bad api key' } };
      else if (key && replies.has(`${path} ${key}`)) reply = replies.get(`${path} ${key}`)!;
      else {
        reply = answer(path, body);
        if (key && reply.status < 500) {
          replies.set(`${path} ${key}`, reply);
          record({ reply: `${path} ${key}`, ...reply });
        }
        commit();
      }
      sandbox.calls.push({ path, status: reply.status, idempotencyKey: key, authorization });
      response.writeHead(reply.status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(reply.body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(sandbox, {
    url: `http://127.0.0.1:${port}`,
    reset: () => {
      sandbox.mode = 'approve';
      sandbox.delayMs = 0;
      sandbox.authorisations.clear();
      sandbox.calls.length = 0;
      replies.clear();
      if (journal !== undefined) ftruncateSync(journal, 0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          if (journal !== undefined) closeSync(journal);
          journal = undefined;
          resolve();
        });
      }),
  });
}
