import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/**
 * A `node:http` request handler serving a registry's exposition at `path` (default `/metrics`):
 * 200 with the Prometheus text format, 405 for methods other than GET/HEAD, 404 elsewhere. Mount
 * it in an existing server, or use {@link startMetricsServer}.
 *
 * @example
 * http.createServer(createMetricsHandler(metrics.registry)).listen(9090);
 */
export function createMetricsHandler(
  registry: Registry,
  path = '/metrics',
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const target = new URL(request.url ?? '/', 'http://metrics').pathname;
    if (target !== path) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end();
      return;
    }
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      () => {
        // The collector's error may name label values; the scraper only needs to know it failed.
        response
          .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
          .end('Metrics collection failed\n');
      },
    );
  };
}

export interface MetricsServerOptions {
  readonly registry: Registry;
  /** Default 9090 (the seed's `PrometheusExporter(port=9090)`); 0 picks a free port. */
  readonly port?: number;
  /** Default `127.0.0.1`; use `0.0.0.0` to let a Prometheus on another host scrape. */
  readonly host?: string;
  readonly path?: string;
}

/** A running metrics endpoint. */
export interface MetricsServer {
  /** `http://host:port/metrics`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts an HTTP server that serves only the metrics endpoint (the CLI's `--metrics-port`).
 *
 * @example
 * const server = await startMetricsServer({ registry: metrics.registry, port: 9090 });
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const path = options.path ?? '/metrics';
  const host = options.host ?? '127.0.0.1';
  const server = createServer(createMetricsHandler(options.registry, path));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9090, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}${path}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}
