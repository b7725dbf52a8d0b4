/** The storefront: the menu, a cart, placing an order and following it until it is ready. */
import { ApiError, api, currentSession, h, loadConfig, type SiteConfig } from '../api';
import { mountAccount } from '../account';
import { MAX_LINES, MAX_QUANTITY, describeOrder, formatMoney, totalsByCurrency } from '../messages';

interface MenuItem { id: string; name: string; description: string; priceCents: number; currency: string; available: boolean; stock: number | null }
interface Order { id: string; status: string; paymentStatus: string; totalCents: number; currency: string; statusReason: string | null; items: { name: string; quantity: number }[] }

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const cart = new Map<string, number>();
let menu: MenuItem[] = [];
let config: SiteConfig;
let watching: number | undefined;

function notice(message: string | undefined): void {
  const el = $('notice');
  el.hidden = !message;
  el.textContent = message ?? '';
}

/** Terminal states: the page stops following the order. */
const FINAL = ['collected', 'cancelled', 'failed', 'payment_failed'];

function renderMenu(): void {
  const list = $('menu');
  list.replaceChildren(
    ...menu.map((item) => {
      const soldOut = !item.available || item.stock === 0;
      return h(
        'li',
        {},
        h('div', {}, h('strong', {}, item.name), h('p', { class: 'desc' }, item.description)),
        h('span', { class: 'price' }, formatMoney(item.priceCents, item.currency)),
        h('button', { type: 'button', 'data-add': item.id, 'aria-label': `Add ${item.name} to your order`, disabled: soldOut, onclick: () => add(item.id, 1) }, soldOut ? 'Sold out' : 'Add'),
      );
    }),
  );
  $('menu-status').textContent = menu.length ? '' : 'The menu is empty.';
}

/** Adds or removes one; the API takes at most MAX_QUANTITY of an item and MAX_LINES items, and the cart says so. */
function add(id: string, delta: number): void {
  const current = cart.get(id) ?? 0;
  const next = current + delta;
  let limit: string | undefined;
  if (next <= 0) cart.delete(id);
  else if (next > MAX_QUANTITY) limit = `An order can have at most ${MAX_QUANTITY} of one item.`;
  else if (current === 0 && cart.size >= MAX_LINES) limit = `An order can have at most ${MAX_LINES} different items.`;
  else cart.set(id, next);
  renderCart(limit);
}

function renderCart(limit?: string): void {
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
          h(
            'button',
            { type: 'button', class: 'secondary', 'aria-label': `One more ${item.name}`, disabled: quantity >= MAX_QUANTITY, onclick: () => add(item.id, 1) },
            '+',
          ),
        ),
      ),
    ),
  );
  for (const button of document.querySelectorAll<HTMLButtonElement>('#menu button[data-add]')) {
    const item = menu.find((m) => m.id === button.dataset.add);
    const soldOut = !item || !item.available || item.stock === 0;
    const quantity = cart.get(button.dataset.add!) ?? 0;
    button.disabled = soldOut || quantity >= MAX_QUANTITY || (quantity === 0 && cart.size >= MAX_LINES);
  }
  const totals = totalsByCurrency(lines.map((l) => ({ cents: l.item.priceCents * l.quantity, currency: l.item.currency })));
  $('cart-total').textContent = totals.length ? totals.map((t) => formatMoney(t.cents, t.currency)).join(' + ') : '—';
  const full = lines.some((l) => l.quantity >= MAX_QUANTITY) ? `An order can have at most ${MAX_QUANTITY} of one item.` : cart.size >= MAX_LINES ? `An order can have at most ${MAX_LINES} different items.` : undefined;
  const mixed = totals.length > 1 ? 'These items are priced in different currencies and cannot be ordered together: remove some to place the order.' : undefined;
  const hint = mixed ?? limit ?? full;
  $('cart-hint').hidden = !hint;
  $('cart-hint').textContent = hint ?? '';
  $('cart-empty').hidden = lines.length > 0;
  ($('place-order') as HTMLButtonElement).disabled = lines.length === 0 || totals.length > 1;
}

function showOrder(order: Order): void {
  $('order-section').hidden = false;
  const items = order.items.map((i) => `${i.quantity} × ${i.name}`).join(', ');
  $('order-status').replaceChildren(
    h('p', {}, 'Order ', h('code', {}, order.id.slice(0, 8)), `: ${items} — ${formatMoney(order.totalCents, order.currency)}`),
    h('p', { class: `state ${order.status}`, 'data-status': order.status }, describeOrder(order)),
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
      if (FINAL.includes(order.status)) window.clearInterval(watching);
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
    renderCart();
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
