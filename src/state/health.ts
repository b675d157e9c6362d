// Whether the shared state can answer right now, from the Redis client's connection events (swml_shared_state_up).
import type { Redis } from 'ioredis';

/** Called with the current health at once, then on every change. */
export type HealthListener = (up: boolean) => void;

/**
 * Why events and not a probe: ioredis already knows when its connection is usable ('ready') and when it
 * is not ('error', 'close', 'end'); following them costs nothing per request and reacts within the
 * client's own reconnect backoff. Only the commands connection counts: the subscriber has a poll backstop.
 *
 * @example
 * const watchHealth = redisHealth(client);
 * watchHealth((up) => gauge.set(up ? 1 : 0));
 */
export function redisHealth(client: Pick<Redis, 'status' | 'on'>): (listener: HealthListener) => void {
  const listeners: HealthListener[] = [];
  let up = client.status === 'ready';
  const set = (value: boolean) => {
    if (value === up) return;
    up = value;
    for (const listener of listeners) listener(value);
  };
  client.on('ready', () => set(true));
  for (const event of ['error', 'close', 'end']) client.on(event, () => set(false));
  return function watchHealth(listener) {
    listeners.push(listener);
    listener(up);
  };
}
