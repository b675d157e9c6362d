// The route's first unit: 405 with `Allow` for any method the route does not serve.
import type { Unit } from './pipeline.js';
import { refusal } from './refusal.js';

/**
 * @example
 * methodGuard(['GET', 'POST']); // PUT -> 405, Allow: GET, POST
 */
export function methodGuard(methods: readonly string[]): Unit {
  const allowed = new Set(methods);
  const refused = refusal(405, { headers: ['Allow', methods.join(', ')] });
  return {
    name: 'method',
    run: (req) => (allowed.has(req.method) ? undefined : refused),
  };
}
