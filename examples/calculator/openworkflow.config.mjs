/** What `loadProject` (and `openworkflow run`) load beside the calculator workflows. */
import { defineConfig } from '@openworkflow/sdk';
import { calculatorHandlers } from './handlers.mjs';

export default defineConfig({
  connectors: ['connector.yaml'],
  handlers: calculatorHandlers,
});
