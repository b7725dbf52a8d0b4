/** The barista page (admin group): the queue of paid orders, and a button for each order's next step. */
import { ApiError, api, currentSession, h, loadConfig, type SiteConfig } from '../api';
import { mountAccount } from '../account';
import { NEEDS_ATTENTION, QUEUE_PAGE, attentionNote, statusLabel } from '../messages';

interface Order { id: string; status: string; paymentStatus: string; statusReason: string | null; pickupAt: string; items: { name: string; quantity: number }[] }

const NEXT: Record<string, { to: string; label: string }> = {
  accepted: { to: 'preparing', label: 'Start preparing' },
  preparing: { to: 'ready', label: 'Mark ready' },
  ready: { to: 'collected', label: 'Mark collected' },
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let config: SiteConfig;
let timer: number | undefined;
/** Whether the notice on screen is a failed refresh, which the next good refresh clears. */
let refreshFailed = false;

function notice(message: string | undefined): void {
  $('notice').hidden = !message;
  $('notice').textContent = message ?? '';
}

function announce(message: string | undefined): void {
  $('queue-announce').hidden = !message;
  $('queue-announce').textContent = message ?? '';
}

async function advance(order: Order, button: HTMLButtonElement): Promise<void> {
  const step = NEXT[order.status];
  if (!step) return;
  button.disabled = true;
  try {
    await api(config, `/admin/orders/${order.id}/advance`, { method: 'POST', body: { to: step.to } });
    notice(undefined);
    announce(`Order ${order.id.slice(0, 8)} is now ${step.to}.`);
  } catch (error) {
    notice(`Order ${order.id.slice(0, 8)} could not be advanced: ${(error as Error).message}`);
  }
  await refresh();
}

/** The summary above the table: how many wait, how many need attention, and whether the page shows them all. */
function summary(shown: Order[], more: boolean): string {
  if (shown.length === 0) return 'No orders waiting.';
  const attention = shown.filter((o) => NEEDS_ATTENTION.has(o.status)).length;
  const count = more ? `Showing the first ${shown.length} orders by pick-up time; more are waiting and appear as these are collected.` : `${shown.length} ${shown.length === 1 ? 'order' : 'orders'} waiting.`;
  return attention ? `${count} ${attention} ${attention === 1 ? 'needs' : 'need'} attention.` : count;
}

function row(order: Order): HTMLTableRowElement {
  const step = NEXT[order.status];
  const button = step ? h('button', { type: 'button', 'data-order': order.id, 'aria-label': `${step.label}: order ${order.id.slice(0, 8)}` }, step.label) : null;
  button?.addEventListener('click', () => void advance(order, button));
  const attention = NEEDS_ATTENTION.has(order.status);
  return h(
    'tr',
    { 'data-order-row': order.id, role: 'row', class: attention ? 'attention' : '' },
    h('td', { role: 'cell', 'data-label': 'Order' }, h('code', {}, order.id.slice(0, 8))),
    h('td', { role: 'cell', 'data-label': 'Items' }, order.items.map((i) => `${i.quantity} × ${i.name}`).join(', ')),
    h('td', { role: 'cell', 'data-label': 'Pick up' }, new Date(order.pickupAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })),
    h(
      'td',
      { role: 'cell', 'data-label': 'Status', class: `state ${order.status}`, 'data-status': order.status },
      statusLabel(order.status),
      attention ? h('span', { class: 'note' }, attentionNote(order)) : null,
    ),
    h('td', { role: 'cell', 'data-label': 'Next step' }, button ?? (attention ? 'Check the payment' : '—')),
  );
}

function render(orders: Order[]): void {
  const more = orders.length > QUEUE_PAGE;
  // Orders that need attention first, then the API's order (earliest pick-up first).
  const shown = orders.slice(0, QUEUE_PAGE).sort((a, b) => Number(NEEDS_ATTENTION.has(b.status)) - Number(NEEDS_ATTENTION.has(a.status)));
  const table = $('queue');
  table.hidden = shown.length === 0;
  $('queue-status').textContent = summary(shown, more);
  const focusedId = (document.activeElement as HTMLElement | null)?.dataset.order;
  table.querySelector('tbody')!.replaceChildren(...shown.map(row));
  if (focusedId) (table.querySelector(`button[data-order="${focusedId}"]`) as HTMLButtonElement | null)?.focus();
}

async function refresh(): Promise<void> {
  const session = currentSession();
  if (!session) {
    $('queue').hidden = true;
    announce(undefined);
    $('queue-status').textContent = 'Sign in as a barista to see the queue.';
    return;
  }
  try {
    // One more than is shown, to tell whether the queue goes on.
    render((await api<{ orders: Order[] }>(config, `/admin/orders?limit=${QUEUE_PAGE + 1}`)).orders);
    if (refreshFailed) notice(undefined);
    refreshFailed = false;
  } catch (error) {
    $('queue').hidden = true;
    if (error instanceof ApiError && error.status === 401) {
      $('queue-status').textContent = 'Your session has ended: sign in again to see the queue.';
      return;
    }
    $('queue-status').textContent = '';
    refreshFailed = true;
    notice(error instanceof ApiError && error.status === 403 ? 'This page is for baristas (the admin group).' : (error as Error).message);
  }
}

async function main(): Promise<void> {
  config = await loadConfig();
  await mountAccount($('account'), { config, admin: true, onChange: () => void refresh(), onError: notice });
  await refresh();
  timer = window.setInterval(() => void refresh(), 2000);
}

window.addEventListener('pagehide', () => window.clearInterval(timer));
void main().catch((error: Error) => notice(error.message));
