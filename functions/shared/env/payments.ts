/** The payment provider over HTTPS, its API key from Secrets Manager (plain string or {"apiKey": ...}). */
import { httpPaymentProvider } from '../payment-provider';
import type { PaymentProvider } from '../ports';
import { regionOf, required, type Env } from './base';
import { secretString } from './secrets';

export function paymentsFromEnv(env: Env): PaymentProvider {
  let apiKey: Promise<string> | undefined;
  return httpPaymentProvider({
    baseUrl: env.PAYMENT_PROVIDER_URL ?? '',
    apiKey: (refresh) => {
      if (refresh || !apiKey) {
        apiKey = secretString(required(env, 'PAYMENT_API_KEY_SECRET_ARN'), regionOf(env)).then((value) => {
          try {
            const parsed = JSON.parse(value) as { apiKey?: string };
            return parsed.apiKey ?? value;
          } catch {
            return value;
          }
        });
        apiKey.catch(() => (apiKey = undefined));
      }
      return apiKey;
    },
  });
}
