/** The barista page (admin group): the queue of paid orders, and a button for each order's next step. */
import { ApiError, api, currentSession, h, loadConfig, type SiteConfig } from '../api';
import { mountAccount } from '../account';

interface Order { id: string; status: string; pickupAt: string; items: { name: string; quantity: number }[] }

const NEXT: Record<string, { to: string; label: string }> = {
  accepted: { to: 'preparing', label: 'Start preparing' },
  preparing: { to: 'ready', label: 'Mark ready' },
  ready: { to: 'collected', label: 'Mark collected' },
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let config: SiteConfig;
let timer: number | undefined;

function notice(message: string | undefined): void {
  $('notice').hidden = !message;
  $('notice').textContent = message ?? '';
}

async function advance(order: Order, button: HTMLButtonElement): Promise<void> {
  const step = NEXT[order.status];
  if (!step) return;
  button.disabled = true;
  try {
    await api(config, `/admin/orders/${order.id}/advance`, { method: 'POST', body: { to: step.to } });
    notice(undefined);
    $('queue-status').textContent = `Order ${order.id.slice(0, 8)} is now ${step.to}.`;
  } catch (error) {
    notice(`Order ${order.id.slice(0, 8)} could not be advanced: ${(error as Error).message}`);
  }
  await refresh();
}

function render(orders: Order[]): void {
  const table = $('queue');
  table.hidden = orders.length === 0;
  if (orders.length === 0) $('queue-status').textContent ||= 'No orders waiting.';
  const focusedId = (document.activeElement as HTMLElement | null)?.dataset.order;
  table.querySelector('tbody')!.replaceChildren(
    ...orders.map((order) => {
      const step = NEXT[order.status];
      const button = step
        ? h('button', { type: 'button', 'data-order': order.id, 'aria-label': `${step.label}: order ${order.id.slice(0, 8)}` }, step.label)
        : null;
      button?.addEventListener('click', () => void advance(order, button));
      return h(
        'tr',
        { 'data-order-row': order.id },
        h('td', {}, h('code', {}, order.id.slice(0, 8))),
        h('td', {}, order.items.map((i) => `${i.quantity} × ${i.name}`).join(', ')),
        h('td', {}, new Date(order.pickupAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })),
        h('td', { class: `state ${order.status}` }, order.status),
        h('td', {}, button),
      );
    }),
  );
  if (focusedId) (table.querySelector(`button[data-order="${focusedId}"]`) as HTMLButtonElement | null)?.focus();
}

async function refresh(): Promise<void> {
  const session = currentSession();
  if (!session) {
    $('queue').hidden = true;
    $('queue-status').textContent = 'Sign in as a barista to see the queue.';
    return;
  }
  try {
    render((await api<{ orders: Order[] }>(config, '/admin/orders')).orders);
  } catch (error) {
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
