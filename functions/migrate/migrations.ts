/**
 * The café's schema, as ordered migrations. Each is a list of single statements (so the same list
 * runs on a server through `pg` and on embedded PGlite) and is applied once, in one transaction.
 * Never edit a released migration: add the next one. Money is integer cents.
 */
export interface Migration {
  id: number;
  name: string;
  statements: string[];
}

export const MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'menu, customers, orders, order items, payments',
    statements: [
      `CREATE TABLE menu_items (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
        description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
        category text NOT NULL CHECK (length(category) BETWEEN 1 AND 40),
        price_cents integer NOT NULL CHECK (price_cents > 0 AND price_cents <= 100000),
        currency char(3) NOT NULL DEFAULT 'EUR',
        available boolean NOT NULL DEFAULT true,
        stock integer CHECK (stock IS NULL OR stock >= 0),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      )`,
      `CREATE TABLE customers (
        id text PRIMARY KEY,
        email text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE orders (
        id uuid PRIMARY KEY,
        customer_id text NOT NULL REFERENCES customers (id),
        status text NOT NULL DEFAULT 'placed'
          CHECK (status IN ('placed', 'accepted', 'preparing', 'ready', 'collected', 'cancelled', 'failed')),
        payment_status text NOT NULL DEFAULT 'pending'
          CHECK (payment_status IN ('pending', 'authorised', 'captured', 'refunded', 'declined')),
        total_cents integer NOT NULL CHECK (total_cents > 0),
        currency char(3) NOT NULL,
        pickup_at timestamptz NOT NULL,
        client_token text,
        task_token text,
        status_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        UNIQUE (customer_id, client_token)
      )`,
      `CREATE INDEX orders_by_customer ON orders (customer_id, created_at DESC)`,
      `CREATE INDEX orders_queue ON orders (pickup_at) WHERE status IN ('accepted', 'preparing', 'ready')`,
      `CREATE INDEX orders_by_day ON orders (created_at)`,
      `CREATE TABLE order_items (
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        line integer NOT NULL,
        item_id text NOT NULL REFERENCES menu_items (id),
        name text NOT NULL,
        unit_price_cents integer NOT NULL CHECK (unit_price_cents > 0),
        quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 20),
        PRIMARY KEY (order_id, line)
      )`,
      `CREATE TABLE payments (
        order_id uuid PRIMARY KEY REFERENCES orders (id),
        authorisation_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('authorised', 'captured', 'refunded')),
        amount_cents integer NOT NULL CHECK (amount_cents > 0),
        currency char(3) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    ],
  },
  {
    id: 2,
    name: 'drill canaries',
    statements: [
      // Rows written by failover drills through the health function (global writer) and looked for
      // in the new primary's reader: whether they arrived measures the data lost by a switch.
      `CREATE TABLE drill_canary (
        id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
        written_at timestamptz NOT NULL DEFAULT now(),
        region text NOT NULL
      )`,
    ],
  },
  {
    id: 3,
    name: 'payment_failed orders',
    statements: [
      // A capture or refund that failed for good leaves the order here, in the barista's queue.
      `ALTER TABLE orders DROP CONSTRAINT orders_status_check`,
      `ALTER TABLE orders ADD CONSTRAINT orders_status_check
        CHECK (status IN ('placed', 'accepted', 'preparing', 'ready', 'collected', 'cancelled', 'failed', 'payment_failed'))`,
      `DROP INDEX orders_queue`,
      `CREATE INDEX orders_queue ON orders (pickup_at) WHERE status IN ('accepted', 'preparing', 'ready', 'payment_failed')`,
    ],
  },
];
