/**
 * The payment provider over HTTPS. The subset of its API the café uses (amounts in cents):
 *
 *   POST {base}/v1/authorisations              { amount, currency, reference } → 201 { id, status: "authorised" }
 *                                                                              | 402 { status: "declined", reason }
 *   POST {base}/v1/authorisations/{id}/capture { amount }                      → 200 { id, status: "captured" }
 *   POST {base}/v1/authorisations/{id}/refund  { amount }                      → 200 { id, status: "refunded" }
 *
 * Every request carries `Authorization: Bearer <api key>` and `Idempotency-Key`. 429, 5xx, timeouts and
 * network errors are PaymentProviderUnavailable (the state machine retries them); 402 is PaymentDeclined.
 * Card data never passes through the café: the provider holds it; only amounts and ids are sent or logged.
 */
import { WorkflowError, type WorkflowErrorName } from './errors';
import type { PaymentProvider } from './ports';

export interface HttpPaymentProviderOptions {
  baseUrl: string;
  /** Returns the API key (e.g. from Secrets Manager); called again after a 401 in case it was rotated. */
  apiKey: (refresh: boolean) => Promise<string>;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class PaymentProviderError extends Error {
  constructor(
    override readonly name: 'PaymentProviderRejected',
    message: string,
  ) {
    super(message);
  }
}

export function httpPaymentProvider(options: HttpPaymentProviderOptions): PaymentProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 4000;

  async function call(path: string, body: Record<string, unknown>, idempotencyKey: string, retried = false): Promise<{ status: number; body: Record<string, unknown> }> {
    const key = await options.apiKey(retried);
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}`, 'Idempotency-Key': idempotencyKey },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new WorkflowError('PaymentProviderUnavailable', `payment provider unreachable (${(error as Error).name})`);
    }
    const text = await response.text().catch(() => '');
    let parsed: Record<string, unknown>;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = {};
    }
    if (response.status === 401 && !retried) return call(path, body, idempotencyKey, true);
    if (response.status === 429 || response.status >= 500) {
      throw new WorkflowError('PaymentProviderUnavailable', `payment provider answered ${response.status}`);
    }
    return { status: response.status, body: parsed };
  }

  const fail = (status: number, what: string, onNotFound: WorkflowErrorName = 'PaymentNotFound'): never => {
    if (status === 404) throw new WorkflowError(onNotFound, `${what}: authorisation not found at the provider`);
    throw new PaymentProviderError('PaymentProviderRejected', `${what}: payment provider refused the request (${status})`);
  };

  return {
    authorise: async ({ amountCents, currency, reference, idempotencyKey }) => {
      const { status, body } = await call('/v1/authorisations', { amount: amountCents, currency, reference }, idempotencyKey);
      if (status === 402 || body.status === 'declined') {
        throw new WorkflowError('PaymentDeclined', `payment declined${typeof body.reason === 'string' ? `: ${body.reason.slice(0, 100)}` : ''}`);
      }
      if ((status === 200 || status === 201) && body.status === 'authorised' && typeof body.id === 'string') {
        return { authorisationId: body.id, status: 'authorised', amountCents, currency };
      }
      return fail(status, 'authorise');
    },
    capture: async ({ authorisationId, amountCents, idempotencyKey }) => {
      const { status, body } = await call(`/v1/authorisations/${encodeURIComponent(authorisationId)}/capture`, { amount: amountCents }, idempotencyKey);
      if (status === 200 && body.status === 'captured') return { status: 'captured' };
      return fail(status, 'capture');
    },
    refund: async ({ authorisationId, amountCents, idempotencyKey }) => {
      const { status, body } = await call(`/v1/authorisations/${encodeURIComponent(authorisationId)}/refund`, { amount: amountCents }, idempotencyKey);
      if (status === 200 && body.status === 'refunded') return { status: 'refunded' };
      return fail(status, 'refund');
    },
  };
}
