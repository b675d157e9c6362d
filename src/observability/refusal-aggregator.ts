// Repeated refusals of one kind from one client: the first line in full, then one summary per window.

/** Defaults (docs/security.md "Aggregated refusals" derives the log budget from them). */
export const AGGREGATION = {
  /** Length of a window. */
  windowMs: 10_000,
  /** (client, kind) pairs tracked at once; refusals beyond fold into one "other clients" line per kind. */
  maxEntries: 100,
} as const;

/** One summary: `count` refusals of `kind` from `client` in the window that had no line of their own. */
export interface RefusalSummary {
  kind: string;
  /** The client (IP), or null for the "other clients" line. */
  client: string | null;
  count: number;
  windowS: number;
  /** Fields of the first refusal that name the kind (limiter, reason, status...). */
  fields: Readonly<Record<string, unknown>>;
}

interface Entry {
  kind: string;
  client: string;
  fields: Readonly<Record<string, unknown>>;
  hits: number;
  suppressed: number;
}

export interface RefusalAggregator {
  /** True when this refusal gets a line of its own; false when it is only counted. */
  admit(kind: string, client: string, fields: Readonly<Record<string, unknown>>): boolean;
  /** Writes every pending summary now (shutdown); tracking starts over. */
  flush(): void;
  /** flush() and stop the window timer. */
  close(): void;
}

/**
 * Why: an unauthenticated flood would otherwise write one line per request and rotate the real audit
 * events out of a bounded log. Per window at most `maxEntries` first lines, `maxEntries` summaries and
 * one "other clients" line per kind are written, whatever the request rate or the number of source
 * addresses; memory holds at most `maxEntries` entries. A client that keeps refusing keeps its entry
 * (one summary per window, no new first line); an entry with no refusal for a whole window is dropped.
 * Metrics are not affected: callers count every request before asking.
 *
 * @example
 * const agg = refusalAggregator({ emit: (s) => log.warn(s) });
 * if (agg.admit('rate_limited:ip', req.ip, { limiter: 'ip' })) log.warn(fullLine);
 */
export function refusalAggregator(options: {
  emit: (summary: RefusalSummary) => void;
  windowMs?: number;
  maxEntries?: number;
}): RefusalAggregator {
  const windowMs = options.windowMs ?? AGGREGATION.windowMs;
  const maxEntries = options.maxEntries ?? AGGREGATION.maxEntries;
  const windowS = windowMs / 1000;
  const entries = new Map<string, Entry>();
  const overflow = new Map<string, { count: number; fields: Readonly<Record<string, unknown>> }>();

  function endWindow(final: boolean): void {
    for (const [key, e] of entries) {
      if (e.suppressed > 0) {
        options.emit({ kind: e.kind, client: e.client, count: e.suppressed, windowS, fields: e.fields });
      }
      if (final || e.hits === 0) entries.delete(key);
      else e.hits = e.suppressed = 0;
    }
    for (const [kind, o] of overflow) {
      options.emit({ kind, client: null, count: o.count, windowS, fields: o.fields });
    }
    overflow.clear();
  }

  const timer = setInterval(() => endWindow(false), windowMs);
  timer.unref();

  return {
    admit(kind, client, fields) {
      const key = `${kind}\u0000${client}`;
      const e = entries.get(key);
      if (e !== undefined) {
        e.hits++;
        e.suppressed++;
        return false;
      }
      if (entries.size >= maxEntries) {
        const o = overflow.get(kind);
        if (o === undefined) overflow.set(kind, { count: 1, fields });
        else o.count++;
        return false;
      }
      entries.set(key, { kind, client, fields, hits: 1, suppressed: 0 });
      return true;
    },
    flush: () => endWindow(true),
    close() {
      clearInterval(timer);
      endWindow(true);
    },
  };
}
