/**
 * Runs the spec's weather workflows against the example's local weather service:
 * `node run.mjs` (after `pnpm build`). `loadProject` reads openworkflow.config.mjs (which starts the
 * service) and registers every connector in connectors/.
 */
import { fileURLToPath } from 'node:url';
import { loadProject } from '@openworkflow/sdk';

/** Runs the three workflows; `options` are passed to the project's OpenWorkflow. */
export async function main(options = {}) {
  const { openworkflow, workflows } = await loadProject(
    fileURLToPath(new URL('./workflows.yaml', import.meta.url)),
    {
      options,
    },
  );
  try {
    const report = await workflows.execute('Daily Weather Report', {
      locations: ['San Francisco', 'New York', 'London'],
    });
    const alerts = await workflows.execute('Weather Alert Monitor', { temperature_threshold: 30 });
    const health = await workflows.execute('Service Health Check');
    return { workflows: workflows.list().map((workflow) => workflow.name), report, alerts, health };
  } finally {
    await openworkflow.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { report, alerts, health } = await main();
  console.log(report.outputs.report_text.trim());
  console.log(`\nalerts: ${alerts.steps.find_alerts.output.length} location(s) over the thresholds`);
  console.log(
    `health: service ${health.outputs.health_status}, test fetch ${health.outputs.test_fetch_status}`,
  );
}
