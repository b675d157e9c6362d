// Fires many requests at the same instant at an app on a real socket, as an attacker's parallel burst does.
import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { GuardApp } from '../../src/http/app.js';

/**
 * Opens `count` connections first, then writes one `GET /` on each in a single synchronous loop, so the
 * server reads them all in the same turn of its event loop (fetch in the same process would pace them).
 * Returns how many answers had each status.
 */
export async function burst(
  app: GuardApp,
  count: number,
  credentials: (i: number) => string,
): Promise<Record<number, number>> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const sockets: Socket[] = [];
  try {
    await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<void>((resolve, reject) => {
            const s = connect(port, '127.0.0.1', () => resolve());
            s.once('error', reject);
            sockets.push(s);
          }),
      ),
    );
    const answers = sockets.map(
      (s) =>
        new Promise<number>((resolve) => {
          let text = '';
          s.on('data', (c: Buffer) => {
            text += c.toString('latin1');
            const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
            if (status) resolve(Number(status[1]));
          });
          s.on('close', () => resolve(0));
        }),
    );
    sockets.forEach((s, i) => {
      const auth = Buffer.from(credentials(i)).toString('base64');
      s.write(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic ${auth}\r\nConnection: close\r\n\r\n`,
      );
    });
    const counts: Record<number, number> = {};
    for (const status of await Promise.all(answers)) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  } finally {
    for (const s of sockets) s.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
