/**
 * Runs the calculator workflows with the SDK: `node run.mjs` (after `pnpm build`), or
 * `node run.mjs --typescript` for the decorated TypeScript handlers of handlers.ts (compiled to
 * dist/ by this package's `build`). Prints the compound interest of 1000 at 5 % over 10 years and
 * the operation chain.
 */
import { fileURLToPath } from 'node:url';
import { OpenWorkflow, Workflows } from '@openworkflow/sdk';
import { calculatorHandlers } from './handlers.mjs';

/** Runs both workflow files; returns the results so tests can check them. */
export async function main() {
  const openworkflow = new OpenWorkflow();
  try {
    await openworkflow.registerConnector(new URL('./connector.yaml', import.meta.url));
    for (const [name, handler] of Object.entries(calculatorHandlers))
      openworkflow.registerHandler(name, handler);
    const interest = await Workflows.fromFile(new URL('./compound-interest.yaml', import.meta.url), {
      openworkflow,
    });
    const chain = await Workflows.fromFile(new URL('./chain.yaml', import.meta.url), { openworkflow });
    return {
      compound: await interest.execute('Compound Interest Calculator', {
        principal: 1000,
        rate: 5,
        years: 10,
      }),
      chain: await chain.execute('Calculator Chain'),
      divideByZero: await chain.execute('Divide By Zero'),
    };
  } finally {
    await openworkflow.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { compound, chain, divideByZero } = await main({ typescript: process.argv.includes('--typescript') });
  console.log(`final amount:    ${compound.outputs.final_amount.toFixed(2)}`);
  console.log(`interest earned: ${compound.outputs.interest_earned.toFixed(2)}`);
  console.log(`chain:           ${chain.outputs.sum} → ${chain.outputs.product} → ${chain.outputs.share}`);
  console.log(`divide by zero:  ${divideByZero.status} (${divideByZero.error.message})`);
}
