// Express Request additions, in one place (pino-http adds `id` and `log` to every IncomingMessage).
import 'express';
import type { RequestState } from './http/request-state.js';

declare global {
  namespace Express {
    interface Request {
      /** What the request carries through its pipeline; set first, by the front (src/http/front.ts). */
      state: RequestState;
    }
  }
}
export {};
