/**
 * Cost Explorer as the report uses it: every page fetched (NextPageToken), every answer cached,
 * every paid request counted, and the errors a user can act on turned into one-line messages.
 */
import type { ResultByTime } from '@aws-sdk/client-cost-explorer';
import { UserError } from '../errors';
import type { ResponseCache } from './cache';
import type { CostAndUsageInput, CostAndUsageOutput, CostExplorerApi, CostForecastInput, CostForecastOutput } from './ports';

/** List price of one Cost Explorer API request (USD). */
export const PRICE_PER_REQUEST = 0.01;

export const CE_PERMISSIONS = 'ce:GetCostAndUsage, ce:GetCostForecast, budgets:ViewBudget, cloudwatch:GetMetricStatistics';

/** Cost Explorer cannot answer for this account (not enabled, or no data yet). */
export class CostExplorerUnavailable extends UserError {
  constructor(
    readonly reason: 'not-enabled' | 'no-data',
    message: string,
    hint: string,
  ) {
    super(message, hint, 1);
  }
}

export interface RequestCounts {
  /** Requests sent to Cost Explorer (each one billed). */
  paid: number;
  /** Requests answered from the cache instead. */
  cached: number;
}

export class MeteredCostExplorer {
  readonly counts: RequestCounts = { paid: 0, cached: 0 };
  /** Why answers could not be cached (a read-only directory...): the report goes on and says so. */
  cacheError: string | undefined;

  constructor(
    private readonly api: CostExplorerApi,
    private readonly cache: ResponseCache,
    /** Separates cached answers of different accounts and endpoints. */
    private readonly namespace: string,
  ) {}

  /** Every page of a GetCostAndUsage query, with the groups of a period split over pages merged back. */
  async costAndUsage(input: CostAndUsageInput): Promise<ResultByTime[]> {
    const byStart = new Map<string, ResultByTime>();
    let token: string | undefined;
    do {
      const page: CostAndUsageOutput = await this.call('GetCostAndUsage', { ...input, ...(token ? { NextPageToken: token } : {}) }, (i) => this.api.getCostAndUsage(i));
      for (const result of page.ResultsByTime ?? []) {
        const start = result.TimePeriod?.Start ?? '';
        const seen = byStart.get(start);
        if (seen) seen.Groups = [...(seen.Groups ?? []), ...(result.Groups ?? [])];
        else byStart.set(start, { ...result, Groups: [...(result.Groups ?? [])] });
      }
      token = page.NextPageToken;
    } while (token);
    return [...byStart.values()].sort((a, b) => (a.TimePeriod?.Start ?? '').localeCompare(b.TimePeriod?.Start ?? ''));
  }

  costForecast(input: CostForecastInput): Promise<CostForecastOutput> {
    return this.call('GetCostForecast', input, (i) => this.api.getCostForecast(i));
  }

  private async call<I, O>(operation: string, input: I, send: (input: I) => Promise<O>): Promise<O> {
    const key = { namespace: this.namespace, operation, input };
    const hit = await this.cache.get<O>(key);
    if (hit !== undefined) {
      this.counts.cached++;
      return hit;
    }
    this.counts.paid++;
    let output: O;
    try {
      output = await send(input);
    } catch (error) {
      throw translateCostExplorerError(error, operation);
    }
    const { $metadata: _ignored, ...body } = output as O & { $metadata?: unknown };
    await this.cache.set(key, body).catch((error: unknown) => {
      this.cacheError ??= (error as Error).message;
    });
    return body as O;
  }
}

/** One clear line for the Cost Explorer errors a user can fix; anything else unchanged. */
export function translateCostExplorerError(error: unknown, operation: string): unknown {
  const e = error as { name?: string; message?: string };
  const message = e?.message ?? '';
  if (e?.name === 'AccessDeniedException' && /not enabled for cost explorer/i.test(message)) {
    return new CostExplorerUnavailable(
      'not-enabled',
      'Cost Explorer is not enabled for this account',
      'enable it once in the Billing console (Cost Explorer → Launch Cost Explorer); data appears within 24 hours. Under consolidated billing the payer account enables it',
    );
  }
  if (e?.name === 'DataUnavailableException') {
    return new CostExplorerUnavailable(
      'no-data',
      'Cost Explorer has no data for this period yet',
      'after Cost Explorer is first enabled it takes up to 24 hours to ingest the bill; try again later',
    );
  }
  if (e?.name === 'AccessDeniedException' || e?.name === 'AccessDenied') {
    return new UserError(`access denied calling Cost Explorer ${operation}: ${message}`, `the caller needs ${CE_PERMISSIONS}`);
  }
  if (e?.name === 'LimitExceededException') {
    return new UserError(`Cost Explorer rate limit reached (${operation})`, 'wait a minute and rerun; cached answers are reused', 1);
  }
  if (e?.name === 'BillExpirationException') {
    return new UserError('Cost Explorer no longer holds the bill for that period (older than its retention)', 'use a shorter --months', 2);
  }
  return error;
}
