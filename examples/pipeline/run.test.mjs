import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from './run.mjs';

test('the pipeline loads the valid orders, quarantines the rest and reports', async () => {
  const { result, order, warehouse, quarantined, messages } = await main();
  assert.equal(result.status, 'success', JSON.stringify(result.error));
  assert.deepEqual(result.outputs, {
    loaded: 3,
    quarantined: 2,
    revenue_eur: 455.86,
    message: 'orders-2025-10: 3 loaded, 2 quarantined, 455.86 EUR',
  });
  assert.deepEqual(
    warehouse.map((row) => [row.id, row.customer, row.amount_eur]),
    [
      ['o-1', 'Ada', 110.4],
      ['o-2', 'Bob', 69.46],
      ['o-5', 'Eve', 276],
    ],
  );
  // Iterations run concurrently (maxConcurrency 4): compare in id order.
  assert.deepEqual(
    [...quarantined].sort((a, b) => a.id.localeCompare(b.id)),
    [
      { id: 'o-3', reason: 'order o-3: unknown customer c-zed' },
      { id: 'o-4', reason: 'order o-4: amount must be positive' },
    ],
  );
  assert.equal(messages.length, 1);
  // DAG order: both sources before the loop, the summary after it, publishing last.
  assert.deepEqual(order.slice(0, 2).sort(), ['extract', 'reference']);
  assert.ok(order.indexOf('summary') > order.lastIndexOf('enrich'));
  assert.ok(order.indexOf('load') > order.indexOf('summary'));
  assert.ok(order.indexOf('notify') > order.indexOf('summary'));
  // The try caught the two bad records: its catch step ran, and the run still succeeded.
  assert.equal(result.steps.quarantine?.status, 'success');
});

test('another source with no records loads nothing', async () => {
  const { result, warehouse } = await main({ source: 'empty' });
  assert.equal(result.status, 'success', JSON.stringify(result.error));
  assert.equal(result.outputs.loaded, 0);
  assert.equal(warehouse.length, 0);
});
