// SIP routing basics: which SIP usernames reach this agent, read from the `call.to` of SignalWire's request.

export interface SipRouting {
  /** Path under the agent's route, without slashes (default "sip"). */
  path: string;
  /** Registered usernames, lower case. */
  usernames: Set<string>;
}

const USERNAME = /^[a-z0-9_.+-]{1,64}$/;
const RESERVED_PATHS = new Set(['swaig', 'post_prompt', 'health', 'ready']);

export function sipPath(path = '/sip'): string {
  const clean = path.replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(clean) || RESERVED_PATHS.has(clean)) {
    throw new TypeError(
      `enableSipRouting path must be one segment such as "/sip", not a reserved route; got ${JSON.stringify(path)}`,
    );
  }
  return clean;
}

export function sipUsername(name: string): string {
  const lower = typeof name === 'string' ? name.toLowerCase() : '';
  if (!USERNAME.test(lower)) {
    throw new TypeError(`SIP usernames are 1-64 of a-z 0-9 _ . + -; got ${JSON.stringify(name)}`);
  }
  return lower;
}

/** The Python SDK's auto-mapping: the agent's name, its route, and the name without vowels. */
export function autoMappedUsernames(name: string, route: string): string[] {
  const out: string[] = [];
  const cleanName = name.toLowerCase().replace(/[^a-z0-9_]/g, '');
  if (cleanName) out.push(cleanName);
  const cleanRoute = route.toLowerCase().replace(/[^a-z0-9_]/g, '');
  if (cleanRoute && cleanRoute !== cleanName) out.push(cleanRoute);
  if (cleanName.length > 3) {
    const noVowels = cleanName.replace(/[aeiou]/g, '');
    if (noVowels !== cleanName && noVowels.length > 2) out.push(noVowels);
  }
  return out.filter((u) => USERNAME.test(u));
}

/** `sip:alice@example.com` -> `alice`, `tel:+1555...` -> `+1555...`, anything else as is; lower case. */
export function usernameFromCall(body: unknown): string | undefined {
  const call = (body as { call?: unknown } | undefined)?.call;
  const to = call !== null && typeof call === 'object' ? (call as Record<string, unknown>).to : undefined;
  if (typeof to !== 'string' || to.length > 256) return undefined;
  let user = to.trim();
  const scheme = /^(sips?|tel):/i.exec(user);
  if (scheme) user = user.slice(scheme[0].length);
  user = user.split('@')[0]?.split(';')[0] ?? '';
  return user === '' ? undefined : user.toLowerCase();
}
