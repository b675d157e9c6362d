// serve(): listens on the agent port (HTTP or direct TLS) and the internal port; drains on SIGTERM/SIGINT.
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { AgentBase } from '../agent/agent-base.js';
import { ConfigError, type Config as ServeConfig } from '../config/index.js';
import { createApp, type AppOptions, type GuardApp } from './app.js';
import { ownAddress } from './bind-address.js';
import { devBanner, localUrl } from './dev-banner.js';

export interface ServeOptions extends AppOptions {
  /** Install SIGTERM/SIGINT handlers that drain and exit (default true). */
  handleSignals?: boolean;
  /** Longest wait for in-flight requests on shutdown (default: function timeout + 5 s). */
  drainTimeoutMs?: number;
}

export interface RunningAgent {
  app: GuardApp;
  server: Server;
  internalServer: Server;
  port: number;
  metricsPort: number;
  /** Drains: /ready goes 503, new connections are refused, in-flight requests finish; true when every log line was written. */
  close(): Promise<boolean>;
}

const CONNECT_REFUSAL = (() => {
  const body = JSON.stringify({ error: 'method not allowed' });
  return `HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
})();

/** This is not a forward proxy: CONNECT gets the same JSON 405 as any other wrong method. */
function refuseConnect(_req: IncomingMessage, socket: Duplex): void {
  socket.on('error', () => socket.destroy());
  socket.end(CONNECT_REFUSAL);
}

/** Scrapes and admin calls only: a small cap, so a runaway client on the private network cannot exhaust fds. */
const INTERNAL_MAX_CONNECTIONS = 100;

/**
 * Why `connectionsCheckingInterval`: Node enforces `headersTimeout` and `requestTimeout` only when it
 * sweeps its connections, every 30 s by default, so a slowloris outlived a documented 10 s by half a
 * minute. Sweeping every second (or faster for short limits) closes a slow client within about a second
 * of its limit; a sweep walks the connection list and costs nothing per request.
 */
function serverLimits(s: ServeConfig['server']) {
  return {
    headersTimeout: s.headersTimeoutMs,
    requestTimeout: s.requestTimeoutMs,
    keepAliveTimeout: 5_000,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(s.headersTimeoutMs / 4))),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Starts the agent. Resolves once both ports listen.
 *
 * @example
 * const running = await serve(agent);
 * console.log(`listening on ${running.port}`);
 */
export async function serve(agent: AgentBase, options: ServeOptions = {}): Promise<RunningAgent> {
  // A generated password is shown once the port is known, as a block with the URL and a command to try.
  const app = createApp(agent, { ...options, print: () => undefined });
  const { config, logger } = app.guard.runtime;
  app.guard.ready = false;
  // The audit trail must be writable before the first call is taken.
  const auditError = await app.guard.runtime.logsReady;
  if (auditError !== undefined) {
    await app.guard.close({ flushTimeoutMs: 1_000 });
    throw new ConfigError(
      'ERR_SWML_AUDIT_LOG_FILE',
      `AUDIT_LOG_FILE ${config.auditLogFile ?? ''} cannot be opened (${(auditError as NodeJS.ErrnoException).code ?? auditError.message}); make its folder writable by the agent's user, or unset it.`,
    );
  }
  const limits = serverLimits(config.server);
  const server = config.tls.enabled
    ? createHttpsServer({ cert: config.tls.cert, key: config.tls.key, minVersion: 'TLSv1.2', ...limits }, app)
    : createHttpServer(limits, app);
  // Node hands CONNECT to a 'connect' listener and, without one, drops the socket with no answer.
  server.on('connect', refuseConnect);
  server.maxConnections = config.server.maxConnections;
  const internalServer = createHttpServer(limits, app.guard.internal);
  internalServer.maxConnections = INTERNAL_MAX_CONNECTIONS;
  let port: number;
  let metricsPort: number;
  try {
    port = await listen(server, config.port, config.host);
    metricsPort = await listen(internalServer, config.metricsPort, await ownAddress(config.metricsHost));
  } catch (err) {
    // Release what was opened (the other port, Redis connections, timers) so the process can exit.
    if (server.listening) server.close();
    await app.guard.close();
    throw err;
  }
  app.guard.ready = true;
  const url = localUrl({ host: config.host, port, tls: config.tls.enabled, route: agent.route });
  logger.info(
    { url, port, metrics_port: metricsPort, tls: config.tls.enabled, route: agent.route, agent: agent.name },
    'swml-guard listening',
  );
  if (config.basicAuth.generated) {
    const { user, password } = config.basicAuth;
    (options.print ?? console.log)(devBanner({ user, password, url, agent }));
  }

  const drainTimeoutMs = options.drainTimeoutMs ?? config.functionTimeoutMs + 5_000;
  let closing: Promise<boolean> | undefined;
  /** Resolves true when every log line was written, false when stdout did not take them in time. */
  const close = () => {
    closing ??= (async () => {
      const started = Date.now();
      app.guard.draining = true;
      // Lame duck: /ready already answers 503, so the proxy's health check takes this replica out of
      // rotation while it still accepts; closing the port first would refuse (or reset) what the proxy
      // sends meanwhile. SWML_SHUTDOWN_DELAY_MS, longer than the proxy's health interval (docs/deployment.md).
      if (config.shutdownDelayMs > 0) {
        logger.info({ delay_ms: config.shutdownDelayMs }, 'draining: /ready at 503, still serving');
        await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
      }
      logger.info('draining: refusing new connections, finishing in-flight requests');
      await closeServer(server, drainTimeoutMs);
      await closeServer(internalServer, 1_000);
      logger.info('stopped');
      // A stalled stdout must not hold the exit: log lines get what is left of the drain limit, at least 1 s.
      const left = Math.max(1_000, drainTimeoutMs - (Date.now() - started));
      return app.guard.close({ flushTimeoutMs: left });
    })();
    return closing;
  };

  if (options.handleSignals ?? true) {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutdown requested');
      // Exit 1 when log lines could not be written (stdout stalled): the orchestrator records it.
      void close().then((flushed) => process.exit(flushed ? 0 : 1));
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return { app, server, internalServer, port, metricsPort, close };
}
