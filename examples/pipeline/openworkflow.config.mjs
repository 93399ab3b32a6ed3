/** What `loadProject` (and `openworkflow run`) load beside the pipeline: connectors/ is found by itself. */
import { defineConfig } from '@openworkflow/sdk';
import { createOrderHandlers } from './handlers.mjs';

export default defineConfig(() => ({ handlers: createOrderHandlers().handlers }));
