import { attentionNote, describeOrder, formatMoney, readableReason, statusLabel, totalsByCurrency } from '../../site/src/messages';

const order = (status: string, paymentStatus: string, statusReason: string | null = null) => ({ status, paymentStatus, statusReason });

describe('what the pages say about an order', () => {
  it('never shows a state-machine error name to a customer', () => {
    const text = describeOrder(order('failed', 'pending', 'stopped (PaymentProviderUnavailable)'));
    expect(text).toBe('This order could not be completed because our payment service could not be reached. You have not been charged. Please try again in a few minutes.');
    const unknown = describeOrder(order('failed', 'authorised', 'stopped (Lambda.ServiceException)'));
    expect(unknown).toBe('This order could not be completed. You have not been charged.');
    expect(readableReason('stopped (Lambda.ServiceException)')).toBeUndefined();
    expect(readableReason('SELECT failed: relation "orders" does not exist')).toBeUndefined();
  });

  it('says a declined payment was declined, without pointing at a card form there is not', () => {
    const text = describeOrder(order('failed', 'declined', 'the payment was declined'));
    expect(text).toContain('Your payment was declined');
    expect(text).not.toMatch(/card/i);
  });

  it('gives the reason of a cancellation, and what happened to the money', () => {
    expect(describeOrder(order('cancelled', 'refunded', 'the barista did not take the order in time'))).toBe(
      'Cancelled: the barista did not take the order in time. Your payment has been refunded.',
    );
    expect(describeOrder(order('cancelled', 'pending', 'cancelled by the customer'))).toBe('Cancelled: cancelled by the customer. You have not been charged.');
    expect(describeOrder(order('cancelled', 'pending'))).toBe('Cancelled. You have not been charged.');
  });

  it('tells the barista that a payment_failed order needs attention, with the raw reason', () => {
    expect(statusLabel('payment_failed')).toBe('needs attention');
    expect(statusLabel('some_new_state')).toBe('some new state');
    expect(attentionNote(order('payment_failed', 'authorised', 'capture failed: authorisation not found'))).toBe(
      'Payment authorised: capture failed: authorisation not found. Check the payment before handing the order over.',
    );
    expect(describeOrder(order('payment_failed', 'authorised'))).toMatch(/problem taking your payment/);
  });

  it('totals each currency on its own and formats it with Intl.NumberFormat', () => {
    expect(totalsByCurrency([{ cents: 250, currency: 'USD' }, { cents: 300, currency: 'EUR' }, { cents: 100, currency: 'USD' }])).toEqual([
      { currency: 'USD', cents: 350 },
      { currency: 'EUR', cents: 300 },
    ]);
    expect(formatMoney(350, 'USD', 'en-US')).toBe('$3.50');
    expect(formatMoney(350, 'EUR', 'en-US')).toBe('€3.50');
    // Minor units follow the currency: yen have none.
    expect(formatMoney(350, 'JPY', 'en-US')).toBe('¥350');
  });
});
