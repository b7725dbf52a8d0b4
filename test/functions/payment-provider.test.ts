import { startPaymentSandbox, type PaymentSandbox } from '../../functions/shared/local/payment-sandbox';
import { httpPaymentProvider } from '../../functions/shared/payment-provider';

describe('payment provider adapter against a local HTTP provider', () => {
  let sandbox: PaymentSandbox;
  beforeAll(async () => (sandbox = await startPaymentSandbox({ apiKey: 'key-current' })));
  afterAll(async () => sandbox?.close());
  beforeEach(() => sandbox.reset());

  const provider = (apiKey: (refresh: boolean) => Promise<string> = async () => 'key-current', timeoutMs = 2000) => httpPaymentProvider({ baseUrl: `${sandbox.url}/`, apiKey, timeoutMs });
  const request = { amountCents: 420, currency: 'EUR', reference: 'order-1', idempotencyKey: 'authorise-order-1' };

  it('authorises, captures and refunds with the key and an Idempotency-Key on every call', async () => {
    const p = provider();
    const auth = await p.authorise(request);
    expect(auth).toEqual({ authorisationId: expect.stringMatching(/^auth_/), status: 'authorised', amountCents: 420, currency: 'EUR' });
    await expect(p.capture({ authorisationId: auth.authorisationId, amountCents: 420, idempotencyKey: 'capture-order-1' })).resolves.toEqual({ status: 'captured' });
    await expect(p.refund({ authorisationId: auth.authorisationId, amountCents: 420, idempotencyKey: 'refund-order-1' })).resolves.toEqual({ status: 'refunded' });
    expect(sandbox.calls.map((c) => [c.path.replace(/auth_[^/]+/, 'ID'), c.idempotencyKey, c.authorization])).toEqual([
      ['/v1/authorisations', 'authorise-order-1', 'Bearer key-current'],
      ['/v1/authorisations/ID/capture', 'capture-order-1', 'Bearer key-current'],
      ['/v1/authorisations/ID/refund', 'refund-order-1', 'Bearer key-current'],
    ]);
  });

  it('a decline is PaymentDeclined; an outage is PaymentProviderUnavailable', async () => {
    sandbox.mode = 'decline';
    await expect(provider().authorise(request)).rejects.toMatchObject({ name: 'PaymentDeclined', message: 'payment declined: insufficient funds' });
    sandbox.mode = 'down';
    await expect(provider().authorise({ ...request, idempotencyKey: 'k2' })).rejects.toMatchObject({ name: 'PaymentProviderUnavailable' });
  });

  it('a slow provider times out as PaymentProviderUnavailable', async () => {
    sandbox.delayMs = 500;
    await expect(provider(async () => 'key-current', 100).authorise(request)).rejects.toMatchObject({ name: 'PaymentProviderUnavailable' });
  });

  it('an unreachable provider is PaymentProviderUnavailable', async () => {
    const p = httpPaymentProvider({ baseUrl: 'http://127.0.0.1:9', apiKey: async () => 'k', timeoutMs: 500 });
    await expect(p.authorise(request)).rejects.toMatchObject({ name: 'PaymentProviderUnavailable' });
  });

  it('fetches the key again once after a 401 (rotated secret)', async () => {
    const asked: boolean[] = [];
    const p = provider(async (refresh) => {
      asked.push(refresh);
      return refresh ? 'key-current' : 'key-old';
    });
    await expect(p.authorise(request)).resolves.toMatchObject({ status: 'authorised' });
    expect(asked).toEqual([false, true]);
  });

  it('an unknown authorisation is PaymentNotFound', async () => {
    await expect(provider().capture({ authorisationId: 'auth_missing', amountCents: 1, idempotencyKey: 'c' })).rejects.toMatchObject({ name: 'PaymentNotFound' });
  });
});
