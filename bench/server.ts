// One benchmark server per child process (so RSS is per server): `node server.js <kind>`; reports its port over IPC.
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '../src/http/serve.js';
import { AGENTS, type AgentKind } from './agents.js';

export type ServerKind = 'http' | 'express' | `agent-${AgentKind}`;

/** Bare node:http: read the body, JSON.parse it, answer a small JSON object. The floor of any Node server. */
function bareHttp(): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: { function?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { function?: unknown };
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad request"}');
        return;
      }
      const out = JSON.stringify({ response: 'ok', function: body.function });
      res.writeHead(200, { 'content-type': 'application/json' }).end(out);
    });
  });
}

/** Bare Express 5 with its stock express.json() and default settings: the baseline the targets use. */
function bareExpress(): Server {
  const app = express();
  app.post('/', express.json(), (req, res) => {
    res.json({ response: 'ok', function: (req.body as { function?: unknown }).function });
  });
  return createServer(app);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

const kind = process.argv[2] as ServerKind;
let bound: number;
if (kind === 'http') bound = await listen(bareHttp());
else if (kind === 'express') bound = await listen(bareExpress());
else if (kind.startsWith('agent-') && kind.slice(6) in AGENTS) {
  // The agent reads PORT and every other setting from the environment the parent gave it.
  const running = await serve(AGENTS[kind.slice(6) as AgentKind]());
  bound = running.port;
} else {
  throw new Error(`unknown server kind: ${kind}`);
}
process.send?.({ ready: true, port: bound });
process.on('disconnect', () => process.exit(0));
