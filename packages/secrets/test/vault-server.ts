import { type Loopback, sendJson, startLoopback } from './loopback.js';

/**
 * A loopback server speaking the part of Vault's KV v2 HTTP API the provider uses:
 * `GET /v1/<mount>/data/<path>` and `GET /v1/<mount>/metadata/<path>?list=true`, token auth through
 * `X-Vault-Token`, 403 `{"errors":["permission denied"]}` for a wrong token, 404 `{"errors":[]}`
 * for a missing path, and 503 while "sealed".
 */
export interface VaultServer extends Loopback {
  sealed: boolean;
}

export async function startVaultServer(
  token: string,
  mounts: Record<string, Record<string, Record<string, unknown>>>,
): Promise<VaultServer> {
  // The handler reads the flag from the object handed back, so tests can seal and unseal it.
  const state: { sealed: boolean } = { sealed: false };
  const loopback = await startLoopback((request, response) => {
    if (state.sealed) return sendJson(response, 503, { errors: ['Vault is sealed'] });
    if (request.headers['x-vault-token'] !== token)
      return sendJson(response, 403, { errors: ['permission denied'] });
    const url = new URL(request.url, 'http://vault');
    const match = /^\/v1\/([^/]+)\/(data|metadata)\/(.*)$/.exec(url.pathname);
    const documents = match === null ? undefined : mounts[decodeURIComponent(match[1]!)];
    if (match === null || documents === undefined || request.method !== 'GET') {
      return sendJson(response, 404, { errors: [] });
    }
    const path = match[3]!.split('/').map(decodeURIComponent).join('/');
    if (match[2] === 'metadata' && url.searchParams.get('list') === 'true') {
      const prefix = path === '' ? '' : `${path.replace(/\/$/, '')}/`;
      const keys = [
        ...new Set(
          Object.keys(documents)
            .filter((name) => name.startsWith(prefix))
            .map((name) => {
              const rest = name.slice(prefix.length);
              return rest.includes('/') ? `${rest.slice(0, rest.indexOf('/'))}/` : rest;
            }),
        ),
      ];
      return keys.length === 0
        ? sendJson(response, 404, { errors: [] })
        : sendJson(response, 200, { data: { keys } });
    }
    const document = documents[path];
    if (document === undefined) return sendJson(response, 404, { errors: [] });
    sendJson(response, 200, {
      request_id: 'r-1',
      lease_duration: 0,
      renewable: false,
      data: {
        data: document,
        metadata: { created_time: '2025-01-01T00:00:00Z', deletion_time: '', destroyed: false, version: 3 },
      },
    });
  });
  return Object.defineProperty(loopback, 'sealed', {
    get: () => state.sealed,
    set: (value: boolean) => {
      state.sealed = value;
    },
  }) as VaultServer;
}
