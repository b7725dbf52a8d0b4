/**
 * What the pages say about an order, in words a customer or a barista understands. The API's
 * status reasons are written for people when the lifecycle knows why an order stopped; anything
 * else (an error name from the state machine, a reason this page does not know) is never shown
 * as is: the customer gets a plain sentence and the barista the raw reason beside it.
 */

export interface OrderView {
  status: string;
  paymentStatus: string;
  statusReason: string | null;
}

/** Reasons the order lifecycle writes for people (functions/order-workflow, functions/orders). */
const READABLE_REASONS = new Set([
  'the barista did not take the order in time',
  'cancelled by the customer',
  'the payment was declined',
  'the order could not be validated',
  'the order could not be started',
]);

/** Error names the lifecycle may stop with, as a customer would be told. */
const STOPPED_BECAUSE: Record<string, string> = {
  PaymentProviderUnavailable: 'our payment service could not be reached',
  PaymentDeclined: 'the payment was declined',
  'States.Timeout': 'it took too long',
};

const STATUS_TEXT: Record<string, string> = {
  placed: 'Order received — confirming your payment…',
  accepted: 'Paid and in the queue.',
  preparing: 'Your barista is preparing it.',
  ready: 'Ready! Collect it at the counter.',
  collected: 'Collected. Enjoy!',
};

/** The order's reason in customer words, or undefined when there is none worth showing. */
export function readableReason(reason: string | null | undefined): string | undefined {
  if (!reason) return undefined;
  const text = reason.trim();
  if (READABLE_REASONS.has(text)) return text;
  const stopped = /^stopped \(([\w.]+)\)$/.exec(text);
  if (stopped) return STOPPED_BECAUSE[stopped[1]!];
  return undefined;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function moneyLine(paymentStatus: string): string {
  if (paymentStatus === 'refunded') return 'Your payment has been refunded.';
  if (paymentStatus === 'captured') return 'Your payment will be refunded.';
  return 'You have not been charged.';
}

/** The sentence the storefront shows for an order's state. */
export function describeOrder(order: OrderView): string {
  if (order.status === 'failed' && order.paymentStatus === 'declined') {
    return 'Your payment was declined, so the order was not placed. You have not been charged.';
  }
  if (order.status === 'failed') {
    const why = readableReason(order.statusReason);
    const retry = why === STOPPED_BECAUSE.PaymentProviderUnavailable ? ' Please try again in a few minutes.' : '';
    return `This order could not be completed${why ? ` because ${why}` : ''}. ${moneyLine(order.paymentStatus)}${retry}`;
  }
  if (order.status === 'cancelled') {
    const why = readableReason(order.statusReason);
    return `Cancelled${why ? `: ${why}` : ''}. ${moneyLine(order.paymentStatus)}`;
  }
  if (order.status === 'payment_failed') {
    return 'There was a problem taking your payment. The café has been told and will sort it out with you at the counter.';
  }
  return STATUS_TEXT[order.status] ?? capitalise(order.status.replace(/_/g, ' '));
}

/** The barista page's label for a status; `payment_failed` needs someone to look at it. */
export const STATUS_LABELS: Record<string, string> = {
  placed: 'placed',
  accepted: 'paid',
  preparing: 'preparing',
  ready: 'ready',
  collected: 'collected',
  cancelled: 'cancelled',
  failed: 'failed',
  payment_failed: 'needs attention',
};

export const NEEDS_ATTENTION = new Set(['payment_failed']);

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status.replace(/_/g, ' ');
}

/** What the barista reads under a status that needs attention. */
export function attentionNote(order: OrderView): string {
  const reason = order.statusReason?.trim();
  return `Payment ${order.paymentStatus}${reason ? `: ${reason}` : ''}. Check the payment before handing the order over.`;
}

export interface Money {
  cents: number;
  currency: string;
}

/** Sums amounts per currency, in the order the currencies first appear. */
export function totalsByCurrency(lines: Money[]): Money[] {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.currency, (totals.get(line.currency) ?? 0) + line.cents);
  return [...totals].map(([currency, cents]) => ({ currency, cents }));
}

/** An amount in minor units (cents) in its own currency, in the reader's locale (Intl.NumberFormat). */
export function formatMoney(cents: number, currency: string, locale?: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  // Minor units per currency: 2 for EUR and USD, 0 for JPY.
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(cents / 10 ** digits);
}

/** The API's limits on one order (functions/orders/handler.ts). */
export const MAX_QUANTITY = 20;
export const MAX_LINES = 20;

/** How many orders the barista page asks for; one more than it shows, to know whether more wait. */
export const QUEUE_PAGE = 100;
