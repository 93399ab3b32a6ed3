import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from './run.mjs';
import { startWeatherService, weatherFor } from './service.mjs';

test('the weather workflows run against the local service', async () => {
  const { workflows, report, alerts, health } = await main();
  assert.deepEqual(workflows, ['Daily Weather Report', 'Weather Alert Monitor', 'Service Health Check']);

  assert.equal(report.status, 'success', JSON.stringify(report.error));
  assert.equal(report.steps.fetch_weather.output.length, 3);
  for (const city of ['San Francisco', 'New York', 'London']) {
    assert.ok(report.outputs.report_text.includes(city), city);
    assert.ok(report.outputs.report_text.includes(`Temperature: ${weatherFor(city).temperature}°C`), city);
  }
  assert.equal(report.steps.send_notification.output.channel, '#weather-reports');

  assert.equal(alerts.status, 'success', JSON.stringify(alerts.error));
  const hot = ['San Francisco', 'New York'].filter(
    (city) => weatherFor(city).temperature > 30 || weatherFor(city).windspeed > 50,
  );
  assert.deepEqual(
    alerts.steps.find_alerts.output.map((row) => row.location),
    hot,
  );

  assert.equal(health.status, 'success');
  assert.deepEqual(health.outputs, { health_status: 'success', test_fetch_status: 'success' });
  assert.equal(health.steps.alert_on_failure.status, 'skipped');
});

test('an unhealthy service makes the health check alert (continue_on_error)', async () => {
  const sick = await startWeatherService({ healthy: false });
  try {
    const { health } = await main({
      environment: { WEATHER_SERVICE_URL: sick.url },
      egress: { allowedAddresses: ['127.0.0.1'] },
    });
    assert.equal(health.outputs.health_status, 'failed');
    assert.equal(health.outputs.test_fetch_status, 'success');
    assert.equal(health.steps.alert_on_failure.status, 'success');
    assert.equal(sick.messages.length, 2); // the daily report, then the alert
    assert.match(sick.messages[1].text, /Weather Service Health Check Failed/);
  } finally {
    await sick.close();
  }
});
