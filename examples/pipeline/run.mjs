/**
 * Runs the order pipeline with the SDK and prints the batch summary: `node run.mjs` (after
 * `pnpm build`). Returns what it did so tests can check it.
 */
import { fileURLToPath } from 'node:url';
import { OpenWorkflow, Workflows } from '@openworkflow/sdk';
import { createOrderHandlers } from './handlers.mjs';

export async function main(inputs = {}) {
  const openworkflow = new OpenWorkflow();
  const orders = createOrderHandlers();
  try {
    await openworkflow.registerConnector(new URL('./connectors/orders.yaml', import.meta.url));
    for (const [name, handler] of Object.entries(orders.handlers))
      openworkflow.registerHandler(name, handler);
    const workflows = await Workflows.fromFile(new URL('./pipeline.yaml', import.meta.url), { openworkflow });
    const run = workflows.start('Order Pipeline', inputs);
    const order = [];
    for await (const event of run.events()) {
      if (event.type === 'step.started' && event.stepId !== undefined) order.push(event.stepId);
    }
    return { result: await run.result, order, ...orders };
  } finally {
    await openworkflow.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { result, quarantined, warehouse } = await main();
  console.log(`status:      ${result.status}`);
  console.log(`loaded:      ${result.outputs.loaded} rows (${warehouse.map((row) => row.id).join(', ')})`);
  console.log(`quarantined: ${quarantined.map(({ id, reason }) => `${id} (${reason})`).join('; ')}`);
  console.log(`revenue:     ${result.outputs.revenue_eur} EUR`);
  console.log(`message:     ${result.outputs.message}`);
}
