/**
 * The orders connector's handlers. Data lives in memory: `createOrderHandlers()` returns the
 * handlers and the warehouse, quarantine and message lists they write to, so a run can be checked.
 */

const ORDERS = {
  'orders-2025-10': [
    { id: 'o-1', customer: 'c-ada', amount_usd: 120 },
    { id: 'o-2', customer: 'c-bob', amount_usd: 75.5 },
    { id: 'o-3', customer: 'c-zed', amount_usd: 10 },
    { id: 'o-4', customer: 'c-ada', amount_usd: -3 },
    { id: 'o-5', customer: 'c-eve', amount_usd: 300 },
  ],
};

const CUSTOMERS = {
  'c-ada': { name: 'Ada', region: 'EU' },
  'c-bob': { name: 'Bob', region: 'US' },
  'c-eve': { name: 'Eve', region: 'APAC' },
};

class RecordError extends Error {
  constructor(message) {
    super(message);
    this.name = 'RecordError';
    this.code = 'INVALID_RECORD';
  }
}

export function createOrderHandlers() {
  const warehouse = [];
  const quarantined = [];
  const messages = [];
  const handlers = {
    'orders.extract': ({ source }) => ({ source, records: ORDERS[source] ?? [] }),
    'orders.load_reference': () => ({ customers: CUSTOMERS }),
    'orders.validate_record': ({ record }) => {
      if (!(record.amount_usd > 0)) throw new RecordError(`order ${record.id}: amount must be positive`);
      if (typeof record.customer !== 'string') throw new RecordError(`order ${record.id}: no customer`);
      return { valid: true };
    },
    'orders.enrich': ({ record, customers, fx_rate }) => {
      const customer = customers[record.customer];
      if (customer === undefined)
        throw new RecordError(`order ${record.id}: unknown customer ${record.customer}`);
      return {
        id: record.id,
        customer: customer.name,
        region: customer.region,
        amount_eur: Math.round(record.amount_usd * fx_rate * 100) / 100,
      };
    },
    'orders.quarantine': ({ record, reason }) => {
      quarantined.push({ id: record.id, reason });
      return { quarantined: record.id };
    },
    'orders.load': ({ table, rows }) => {
      for (const row of rows) warehouse.push({ table, ...row });
      return { table, inserted: rows.length };
    },
    'orders.notify': ({ channel, text }) => {
      messages.push({ channel, text });
      return { channel, text };
    },
  };
  return { handlers, warehouse, quarantined, messages };
}
