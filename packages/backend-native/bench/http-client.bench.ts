/**
 * What the SSRF-safe client costs per request against a loopback server: the guarded client
 * (egress check + one dispatcher per hop, so a new TCP connection each time) versus undici's
 * pooled Agent with keep-alive and no checks, the named peer. Run: `pnpm --filter
 * @openworkflow/backend-native bench`.
 */
import { Agent } from 'undici';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { createEgressGuard } from '../src/egress-guard.js';
import { createHttpClient } from '../src/http-client.js';
import { type LoopbackServer, replyJson, startLoopbackServer } from '../test/loopback.js';

let server: LoopbackServer;
const pooled = new Agent();
const guard = createEgressGuard({ allowedAddresses: ['127.0.0.1'] });
const client = createHttpClient({ guard });

beforeAll(async () => {
  server = await startLoopbackServer((_request, response) => replyJson(response, 200, { ok: true }), {
    maxRequests: Number.MAX_SAFE_INTEGER,
  });
});
afterAll(async () => {
  await pooled.close();
  await server.close();
});

describe('GET of a small JSON body on loopback', () => {
  bench('undici pooled Agent, no egress checks (peer)', async () => {
    const response = await pooled.request({ origin: server.origin, path: '/', method: 'GET' });
    await response.body.text();
  });

  bench('createHttpClient: guard check + dispatcher per hop', async () => {
    await client.send({ url: `${server.origin}/`, method: 'GET' });
  });
});

describe('egress check alone', () => {
  bench('guard.check of an IP-literal URL', async () => {
    await guard.check(`${server.origin}/path?q=1`);
  });
});
