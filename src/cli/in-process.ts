// HTTP requests to an app in this process, with no port: a connection object handed straight to a node:http
// server (its documented 'connection' event), so Node's own parser, Express and every layer run unchanged.
import { createServer, request, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import { Duplex } from 'node:stream';

export interface InProcessResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export type InProcessSend = (
  method: string,
  path: string,
  options?: { headers?: Record<string, string>; body?: string },
) => Promise<InProcessResponse>;

/** Two connected in-memory duplex streams: what one side writes, the other reads. */
function socketPair(): [Duplex, Duplex] {
  const sides: Duplex[] = [];
  const make = (other: () => Duplex) =>
    new Duplex({
      read() {
        // data is pushed by the other side's write()
      },
      write(chunk: Buffer, _encoding, callback) {
        other().push(chunk);
        callback();
      },
      final(callback) {
        other().push(null);
        callback();
      },
    });
  sides.push(
    make(() => sides[1] as Duplex),
    make(() => sides[0] as Duplex),
  );
  return [sides[0] as Duplex, sides[1] as Duplex];
}

/**
 * A client for `handler` (an Express app): each request gets a fresh connection whose server side looks like
 * a local TCP socket (127.0.0.1, port `localPort`), so the IP limits, the audit log's `ip` and the webhook
 * URLs behave as they do for `swml-guard serve` on localhost.
 */
export function inProcessClient(handler: RequestListener, localPort = 3000): InProcessSend {
  const server = createServer(handler);
  return (method, path, options = {}) =>
    new Promise((resolve, reject) => {
      const [client, serverSide] = socketPair();
      Object.assign(serverSide, {
        remoteAddress: '127.0.0.1',
        remoteFamily: 'IPv4',
        remotePort: 40000,
        localAddress: '127.0.0.1',
        localPort,
      });
      server.emit('connection', serverSide);
      const headers: Record<string, string> = { host: `localhost:${localPort}`, ...options.headers };
      if (options.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        headers['content-length'] = String(Buffer.byteLength(options.body));
      }
      const req = request({ method, path, headers, createConnection: () => client }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
          client.destroy();
          serverSide.destroy();
        });
      });
      req.on('error', reject);
      req.end(options.body);
    });
}
