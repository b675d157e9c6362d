// pino loggers for the app and the audit trail, with a last-line scrub of known secrets from every line.
import pino, { type DestinationStream, type Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  /** Where JSON lines go (stdout by default; tests pass an in-memory stream). */
  destination?: DestinationStream | undefined;
  /** Append-only audit file, besides the main destination. */
  auditLogFile?: string | undefined;
  /** Values that must never appear in a log line (password, token secrets, admin token). */
  secrets: readonly string[];
  /** Key ids of the token secrets: any `<kid>.<payload>.<mac>` token in a line is replaced. */
  tokenKeyIds: readonly string[];
}

/**
 * Why a scrub on top of structured redaction: redaction covers the fields we know about; a stray
 * error message or a third-party log line could still echo a header or a URL. Every serialized line
 * passes through here, so a known secret or token never reaches a log sink.
 */
function scrubber(secrets: readonly string[], kids: readonly string[]): (line: string) => string {
  const values = secrets.filter((s) => s.length >= 8);
  const encoded = values.map((s) => encodeURIComponent(s)).filter((e, i) => e !== values[i]);
  const all = [...values, ...encoded];
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const tokenPattern =
    kids.length > 0
      ? new RegExp(`(?:${kids.map(escape).join('|')})\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+`, 'g')
      : undefined;
  return function scrub(line) {
    let out = line;
    for (const s of all) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
    return tokenPattern ? out.replace(tokenPattern, '[REDACTED]') : out;
  };
}

const HEADER_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-signalwire-signature"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
];

/** Creates the app logger and the audit logger (`audit: true` on every line). */
export function createLoggers(options: LoggerOptions): {
  logger: Logger;
  audit: Logger;
  close: () => Promise<void>;
} {
  const scrub = scrubber(options.secrets, options.tokenKeyIds);
  const common = {
    level: options.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: HEADER_PATHS, censor: '[REDACTED]' },
    hooks: { streamWrite: scrub },
    base: undefined,
  };
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false });
  const logger = pino(common, destination);
  const auditStreams: pino.StreamEntry[] = [{ stream: destination }];
  const file = options.auditLogFile
    ? pino.destination({ dest: options.auditLogFile, append: true, mkdir: true, sync: true })
    : undefined;
  if (file) auditStreams.push({ stream: file });
  const audit = pino({ ...common, level: 'info', base: { audit: true } }, pino.multistream(auditStreams));
  let closing: Promise<void> | undefined;
  return {
    logger,
    audit,
    /** Closes the audit file (writes are synchronous, so nothing is pending); stdout stays open. */
    // Idempotent: a second call gets the same promise (a closed stream never emits 'close' again).
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        if (!file) return resolve();
        file.once('close', () => resolve());
        file.end();
      })),
  };
}
