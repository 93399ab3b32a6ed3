/**
 * A small, deterministic stand-in for the weather service and the other services the spec's
 * weather workflows call (analytics, text, data, Slack, PagerDuty). It listens on loopback only,
 * answers with the spec's `{status: 'success', data}` envelope, and records what it was sent so
 * tests can assert on it. No network access is needed: "weather" is derived from the city name.
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const MAX_BODY_BYTES = 64 * 1024;

/** Same city, same weather: a stable hash of the name picks the numbers. */
export function weatherFor(location) {
  let hash = 0;
  for (const char of String(location)) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return {
    location: String(location),
    latitude: Number(((hash % 18000) / 100 - 90).toFixed(4)),
    longitude: Number((((hash >>> 8) % 36000) / 100 - 180).toFixed(4)),
    temperature: Number((5 + (hash % 300) / 10).toFixed(1)),
    windspeed: Number((((hash >>> 4) % 600) / 10).toFixed(1)),
    wind_direction: (hash >>> 12) % 360,
    weather_code: [0, 1, 2, 3, 45, 61, 71, 95][(hash >>> 16) % 8],
    time: '2025-10-07T12:00:00Z',
    status: 'success',
  };
}

function forecastFor(location, days) {
  const base = weatherFor(location);
  const forecast = [];
  for (let day = 0; day < days; day++) {
    forecast.push({
      date: `2025-10-${String(7 + day).padStart(2, '0')}`,
      temperature_max: Number((base.temperature + 3 + day * 0.5).toFixed(1)),
      temperature_min: Number((base.temperature - 4 + day * 0.25).toFixed(1)),
      precipitation: Number((((base.wind_direction + day * 7) % 50) / 10).toFixed(1)),
      weather_code: base.weather_code,
    });
  }
  return {
    location: base.location,
    latitude: base.latitude,
    longitude: base.longitude,
    forecast,
    status: 'success',
  };
}

function computeStats(data, operations) {
  const result = {};
  for (const { type, field } of operations ?? []) {
    const values = (Array.isArray(data) ? data : [])
      .map((row) => row?.[field])
      .filter((v) => typeof v === 'number');
    if (values.length === 0) continue;
    if (type === 'max') result.max = Math.max(...values);
    if (type === 'min') result.min = Math.min(...values);
    if (type === 'average') result.average = values.reduce((a, b) => a + b, 0) / values.length;
  }
  return result;
}

const COMPARE = {
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
};

/** Keeps rows matching ANY condition (an alert fires when one threshold is crossed). */
function filterRows(data, conditions) {
  const rows = Array.isArray(data) ? data : [];
  return rows.filter((row) =>
    (conditions ?? []).some(
      ({ field, operator, value }) => COMPARE[operator]?.(row?.[field], value) ?? false,
    ),
  );
}

function readJson(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text.length === 0 ? {} : JSON.parse(text));
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

/**
 * Starts the service on 127.0.0.1.
 * @param {{ port?: number, healthy?: boolean }} [options] `healthy: false` makes `/healthz` fail.
 * @returns {Promise<{ url: string, messages: object[], incidents: object[], calls: string[], close(): Promise<void> }>}
 */
export async function startWeatherService(options = {}) {
  const healthy = options.healthy ?? true;
  const messages = [];
  const incidents = [];
  const calls = [];
  const success = (data) => ({ status: 'success', data });

  const routes = {
    'POST /execute': (body) => success(weatherFor(body.location)),
    'POST /forecast': (body) => success(forecastFor(body.location, body.days ?? 7)),
    'POST /analytics/compute': (body) => success(computeStats(body.data, body.operations)),
    'POST /text/template': (body) => success({ text: String(body.template ?? '') }),
    'POST /data/filter': (body) => success(filterRows(body.data, body.conditions)),
    'POST /slack/post_message': (body) => {
      const ts = `1700000000.${String(messages.length + 1).padStart(6, '0')}`;
      messages.push({ channel: body.channel, text: body.text, ts });
      return success({ ts, channel: body.channel });
    },
    'POST /pagerduty/create_incident': (body) => {
      incidents.push(body);
      return success({ id: `INC-${incidents.length}` });
    },
  };

  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const key = `${request.method} ${path}`;
    calls.push(key);
    const send = (status, payload) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (key === 'GET /healthz') {
      if (healthy) send(200, { status: 'ok', version: '1.0.0', checks: { weather: 'healthy' } });
      else send(503, { status: 'error', code: 'UNAVAILABLE', message: 'weather backend unreachable' });
      return;
    }
    const route = routes[key];
    if (route === undefined) {
      send(404, { status: 'error', code: 'NOT_FOUND', message: `no route ${key}` });
      return;
    }
    try {
      send(200, route(await readJson(request)));
    } catch (error) {
      send(400, { status: 'error', code: 'BAD_REQUEST', message: String(error.message) });
    }
  });

  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    incidents,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const service = await startWeatherService({ port: Number(process.env.PORT ?? 8000) });
  console.log(`weather service listening on ${service.url}`);
}
