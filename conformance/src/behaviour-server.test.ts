import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BehaviourServer, startBehaviourServer } from './behaviour-server.js';
import { normaliseRoute } from './case-loader.js';

let server: BehaviourServer;
beforeAll(async () => {
  server = await startBehaviourServer();
});
afterAll(async () => {
  await server.close();
});

async function post(url: string, body?: unknown, method = 'POST') {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', 'x-trace': 't-1' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('the behaviour server', () => {
  it('listens on loopback and echoes the JSON body in the success envelope', async () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ns = server.open('echo1', { greet: normaliseRoute('echo') });
    expect(await post(`${ns.url}/greet`, { name: 'Ada' })).toEqual({
      status: 200,
      body: { status: 'success', data: { name: 'Ada' } },
    });
    const [call] = ns.snapshot().calls;
    expect(call).toMatchObject({
      route: 'greet',
      index: 0,
      method: 'POST',
      path: '/',
      body: { name: 'Ada' },
    });
    expect(call?.headers['x-trace']).toBe('t-1');
    expect(call?.aborted).toBe(false);
  });

  it('echoes the query of a bodyless GET, bare when the envelope is off', async () => {
    const ns = server.open('echo2', { find: normaliseRoute({ echo: { envelope: false } }) });
    expect(await post(`${ns.url}/find/deep?q=otters&tag=a&tag=b`, undefined, 'GET')).toEqual({
      status: 200,
      body: { q: 'otters', tag: ['a', 'b'] },
    });
    expect(ns.snapshot().calls[0]?.path).toBe('/deep');
  });

  it('fails N times, then succeeds, and counts every call', async () => {
    const ns = server.open('flaky', {
      flaky: normaliseRoute({
        sequence: [
          { fail: { status: 503, code: 'BUSY', message: 'try later' } },
          { fail: { status: 503 } },
          'echo',
        ],
      }),
    });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await post(`${ns.url}/flaky`, { i }));
    expect(answers.map((a) => a.status)).toEqual([503, 503, 200, 200]);
    expect(answers[0]?.body).toEqual({ status: 'error', message: 'try later', code: 'BUSY' });
    expect(answers[1]?.body).toEqual({ status: 'error', message: 'behaviour failure' });
    expect(ns.snapshot().calls.map((c) => c.status)).toEqual([503, 503, 200, 200]);
  });

  it('records the order of calls and the highest concurrency per route and overall', async () => {
    const ns = server.open('conc', {
      slow: normaliseRoute({ delayMs: 400, echo: {} }),
      fast: normaliseRoute('echo'),
    });
    await Promise.all([post(`${ns.url}/slow`, 1), post(`${ns.url}/slow`, 2), post(`${ns.url}/slow`, 3)]);
    await post(`${ns.url}/fast`, 4);
    const record = ns.snapshot();
    expect(record.maxConcurrency).toEqual({ '*': 3, slow: 3, fast: 1 });
    expect(record.calls.map((c) => c.route)).toEqual(['slow', 'slow', 'slow', 'fast']);
  });

  it('keeps namespaces apart and refuses unknown namespaces and routes', async () => {
    const a = server.open('ns-a', { r: normaliseRoute('echo') });
    const b = server.open('ns-b', { r: normaliseRoute('echo') });
    await post(`${a.url}/r`, {});
    expect((await post(`${b.url}/nope`, {})).status).toBe(404);
    expect(a.snapshot().calls).toHaveLength(1);
    expect(b.snapshot().calls).toHaveLength(0);
    expect(b.snapshot().unknownRoutes).toEqual(['/ns/ns-b/nope']);
    a.dispose();
    expect((await post(`${a.url}/r`, {})).status).toBe(404);
    expect(a.snapshot().calls).toHaveLength(1);
  });

  it('marks a call aborted when the client leaves before the answer, and frees its slot', async () => {
    const ns = server.open('abort', { hang: normaliseRoute({ delayMs: 60_000, echo: {} }) });
    await new Promise<void>((resolve) => {
      const req = request(`${ns.url}/hang`, { method: 'POST' });
      req.on('error', () => resolve());
      req.end('{}');
      const poll = setInterval(() => {
        if (ns.snapshot().calls.length === 1) {
          clearInterval(poll);
          req.destroy();
        }
      }, 5);
    });
    await expect.poll(() => ns.snapshot().calls[0]?.aborted).toBe(true);
    expect(ns.snapshot().calls[0]?.status).toBeUndefined();
  });

  it('answers fixed replies with their status, headers and text', async () => {
    const ns = server.open('fixed', {
      redirect: normaliseRoute({
        reply: { status: 302, headers: { location: 'http://169.254.169.254/' }, text: '' },
      }),
    });
    const response = await fetch(`${ns.url}/redirect`, { method: 'POST', redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://169.254.169.254/');
  });

  it('answers 204 without a body, tells listeners about each call, and settles once aborted calls have closed', async () => {
    const ns = server.open('settle1', {
      empty: normaliseRoute({ reply: { status: 204 } }),
      slow: normaliseRoute({ delayMs: 10_000, echo: {} }),
    });
    const seen: string[] = [];
    ns.onCall((route) => seen.push(route));
    const empty = await fetch(`${ns.url}/empty`, { method: 'POST' });
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');

    const controller = new AbortController();
    const slow = fetch(`${ns.url}/slow`, { method: 'POST', signal: controller.signal }).catch(
      () => 'aborted',
    );
    while (!seen.includes('slow')) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await slow).toBe('aborted');
    // The grace is far longer than the close takes: settling early proves it waited for the close, not the clock.
    await ns.settled(30_000);
    expect(seen).toEqual(['empty', 'slow']);
    expect(ns.snapshot().calls.find((call) => call.route === 'slow')?.aborted).toBe(true);
  });
});
