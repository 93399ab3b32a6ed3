import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from './run.mjs';

for (const typescript of [false, true]) {
  test(`calculator with ${typescript ? 'decorated TypeScript' : 'JavaScript'} handlers`, async () => {
    const { compound, chain, divideByZero } = await main({ typescript });
    assert.equal(compound.status, 'success');
    assert.equal(compound.outputs.final_amount.toFixed(2), '1628.89');
    assert.equal(compound.outputs.interest_earned.toFixed(2), '628.89');
    assert.deepEqual(chain.outputs, { sum: 15, product: 30, share: 4.5 });
    assert.equal(divideByZero.status, 'failed');
    assert.equal(divideByZero.error.message, 'Cannot divide by zero');
    assert.equal(divideByZero.steps.divide.error.details.connector_code, 'VALUE_ERROR');
  });
}

test('node run.mjs prints the spec README figures', () => {
  const output = execFileSync(process.execPath, [fileURLToPath(new URL('./run.mjs', import.meta.url))], {
    encoding: 'utf8',
  });
  assert.match(output, /final amount: +1628\.89/);
  assert.match(output, /interest earned: +628\.89/);
  assert.match(output, /chain: +15 → 30 → 4\.5/);
});
