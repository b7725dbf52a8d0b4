/** The storefront: the menu, a cart, placing an order and following it until it is ready. */
import { ApiError, api, currentSession, formatPrice, h, loadConfig, type SiteConfig } from '../api';
import { mountAccount } from '../account';

interface MenuItem { id: string; name: string; description: string; priceCents: number; currency: string; available: boolean; stock: number | null }
interface Order { id: string; status: string; paymentStatus: string; totalCents: number; currency: string; statusReason: string | null; items: { name: string; quantity: number }[] }

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const cart = new Map<string, number>();
let menu: MenuItem[] = [];
let config: SiteConfig;
let watching: number | undefined;

const STATUS_TEXT: Record<string, string> = {
  placed: 'Order received — confirming your payment…',
  accepted: 'Paid and in the queue.',
  preparing: 'Your barista is preparing it.',
  ready: 'Ready! Collect it at the counter.',
  collected: 'Collected. Enjoy!',
  cancelled: 'Cancelled. You have not been charged.',
  failed: 'This order could not be completed.',
};

function notice(message: string | undefined): void {
  const el = $('notice');
  el.hidden = !message;
  el.textContent = message ?? '';
}

function currency(): string {
  return menu[0]?.currency ?? 'EUR';
}

function renderMenu(): void {
  const list = $('menu');
  list.replaceChildren(
    ...menu.map((item) => {
      const soldOut = !item.available || item.stock === 0;
      return h(
        'li',
        {},
        h('div', {}, h('strong', {}, item.name), h('p', { class: 'desc' }, item.description)),
        h('span', { class: 'price' }, formatPrice(item.priceCents, item.currency)),
        h('button', { type: 'button', 'aria-label': `Add ${item.name} to your order`, disabled: soldOut, onclick: () => add(item.id, 1) }, soldOut ? 'Sold out' : 'Add'),
      );
    }),
  );
  $('menu-status').textContent = menu.length ? '' : 'The menu is empty.';
}

function add(id: string, delta: number): void {
  const next = (cart.get(id) ?? 0) + delta;
  if (next <= 0) cart.delete(id);
  else cart.set(id, Math.min(next, 20));
  renderCart();
}

function renderCart(): void {
  const lines = [...cart.entries()].map(([id, quantity]) => ({ item: menu.find((m) => m.id === id)!, quantity })).filter((l) => l.item);
  $('cart-lines').replaceChildren(
    ...lines.map(({ item, quantity }) =>
      h(
        'li',
        { 'data-item': item.id },
        h('span', {}, `${quantity} × ${item.name}`),
        h(
          'span',
          {},
          h('button', { type: 'button', class: 'secondary', 'aria-label': `One less ${item.name}`, onclick: () => add(item.id, -1) }, '−'),
          ' ',
          h('button', { type: 'button', class: 'secondary', 'aria-label': `One more ${item.name}`, onclick: () => add(item.id, 1) }, '+'),
        ),
      ),
    ),
  );
  const total = lines.reduce((sum, l) => sum + l.item.priceCents * l.quantity, 0);
  $('cart-total').textContent = lines.length ? formatPrice(total, currency()) : '—';
  $('cart-empty').hidden = lines.length > 0;
  ($('place-order') as HTMLButtonElement).disabled = lines.length === 0;
}

function describe(order: Order): string {
  if (order.status === 'failed' && order.paymentStatus === 'declined') return 'Your payment was declined, so the order was not placed. You have not been charged — try another card.';
  if (order.status === 'failed') return `${STATUS_TEXT.failed}${order.statusReason ? ` (${order.statusReason})` : ''} You have not been charged.`;
  return STATUS_TEXT[order.status] ?? order.status;
}

function showOrder(order: Order): void {
  $('order-section').hidden = false;
  const items = order.items.map((i) => `${i.quantity} × ${i.name}`).join(', ');
  $('order-status').replaceChildren(
    h('p', {}, 'Order ', h('code', {}, order.id.slice(0, 8)), `: ${items} — ${formatPrice(order.totalCents, order.currency)}`),
    h('p', { class: `state ${order.status}`, 'data-status': order.status }, describe(order)),
  );
}

const CURRENT_ORDER = 'cafe.order';

/** Follows an order until it ends; remembered for this tab, so a reload keeps following it. */
function watch(orderId: string): void {
  window.clearInterval(watching);
  sessionStorage.setItem(CURRENT_ORDER, orderId);
  const poll = async () => {
    try {
      const order = await api<Order>(config, `/orders/${orderId}`);
      showOrder(order);
      if (['collected', 'cancelled', 'failed'].includes(order.status)) window.clearInterval(watching);
    } catch (error) {
      window.clearInterval(watching);
      if (error instanceof ApiError && (error.status === 401 || error.status === 404)) sessionStorage.removeItem(CURRENT_ORDER);
      else notice((error as Error).message);
    }
  };
  void poll();
  watching = window.setInterval(poll, 1500);
}

async function placeOrder(event: Event): Promise<void> {
  event.preventDefault();
  notice(undefined);
  if (!currentSession()) {
    notice('Sign in to place your order.');
    document.getElementById('user')?.focus();
    return;
  }
  const button = $('place-order') as HTMLButtonElement;
  button.disabled = true;
  const minutes = Number(($('pickup') as HTMLSelectElement).value);
  try {
    const order = await api<Order>(config, '/orders', {
      method: 'POST',
      headers: { 'Idempotency-Key': crypto.randomUUID().replace(/-/g, '') },
      body: { items: [...cart.entries()].map(([itemId, quantity]) => ({ itemId, quantity })), pickupAt: new Date(Date.now() + minutes * 60_000).toISOString() },
    });
    cart.clear();
    renderCart();
    showOrder(order);
    watch(order.id);
    $('order-status').focus();
  } catch (error) {
    notice(error instanceof ApiError && error.status === 401 ? 'Your session has ended: sign in again.' : `The order was not placed: ${(error as Error).message}`);
  } finally {
    button.disabled = cart.size === 0;
  }
}

async function main(): Promise<void> {
  config = await loadConfig();
  await mountAccount($('account'), {
    config,
    admin: false,
    onChange: (session) => {
      notice(undefined);
      if (!session) {
        window.clearInterval(watching);
        sessionStorage.removeItem(CURRENT_ORDER);
        $('order-section').hidden = true;
      }
    },
    onError: notice,
  });
  const current = sessionStorage.getItem(CURRENT_ORDER);
  if (current && currentSession()) watch(current);
  $('checkout').addEventListener('submit', (e) => void placeOrder(e));
  renderCart();
  try {
    menu = (await api<{ items: MenuItem[] }>(config, '/menu')).items;
    renderMenu();
    renderCart();
  } catch (error) {
    $('menu-status').textContent = `The menu could not be loaded: ${(error as Error).message}`;
  }
}

void main().catch((error: Error) => notice(error.message));
