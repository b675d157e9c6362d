// Express Request additions, in one place.
import 'express';

declare global {
  namespace Express {
    interface Request {
      /** The exact bytes received (for signatures); set by jsonBody(). */
      rawBody?: Buffer;
      /** The request id (client X-Request-Id when plain, else a UUID); set first, by accessLog(). */
      id?: string;
    }
  }
}
export {};
