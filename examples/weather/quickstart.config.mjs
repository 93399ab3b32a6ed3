/**
 * The project config the README's quick start runs the weather workflows with
 * (`openworkflow run examples/weather/workflows.yaml --config examples/weather/quickstart.config.mjs`):
 * it starts this example's local weather service on a free loopback port, tells the workflows
 * where it is, lets the SSRF guard reach that one loopback address, and stops the service when the
 * run is over. The connectors come from connectors/ beside the workflows.
 */
import { startWeatherService } from './service.mjs';

export default async function config() {
  const service = await startWeatherService();
  return {
    options: {
      environment: { WEATHER_SERVICE_URL: service.url },
      egress: { allowedAddresses: ['127.0.0.1'] },
    },
    close: () => service.close(),
  };
}
