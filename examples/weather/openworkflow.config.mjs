/**
 * The weather project's config, read by `loadProject` (and so by `openworkflow run`): it starts the
 * example's weather service on loopback, points the connectors at it, and lets the SSRF guard
 * reach that one loopback address. The service stops when the `OpenWorkflow` closes.
 */
import { defineConfig } from '@openworkflow/sdk';
import { startWeatherService } from './service.mjs';

export default defineConfig(async () => {
  const service = await startWeatherService();
  return {
    options: {
      environment: { WEATHER_SERVICE_URL: service.url },
      // The guard blocks loopback by default; this example's service is the one exception.
      egress: { allowedAddresses: ['127.0.0.1'] },
    },
    close: () => service.close(),
  };
});
