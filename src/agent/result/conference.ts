// join_conference parameters: only what differs from the platform's defaults, as SignalWire's SDKs send them.

export interface ConferenceOptions {
  muted?: boolean;
  beep?: 'true' | 'false' | 'onEnter' | 'onExit';
  startOnEnter?: boolean;
  endOnExit?: boolean;
  waitUrl?: string;
  /** 1..250 (default 250). */
  maxParticipants?: number;
  record?: 'do-not-record' | 'record-from-start';
  region?: string;
  trim?: 'trim-silence' | 'do-not-trim';
  coach?: string;
  statusCallbackEvent?: string;
  statusCallback?: string;
  statusCallbackMethod?: 'GET' | 'POST';
  recordingStatusCallback?: string;
  recordingStatusCallbackMethod?: 'GET' | 'POST';
  recordingStatusCallbackEvent?: string;
  result?: unknown;
}

type Field = [keyof ConferenceOptions, string, unknown, (readonly unknown[])?];

/** Option, wire name, platform default (sent only when different), allowed values. */
const FIELDS: Field[] = [
  ['muted', 'muted', false],
  ['beep', 'beep', 'true', ['true', 'false', 'onEnter', 'onExit']],
  ['startOnEnter', 'start_on_enter', true],
  ['endOnExit', 'end_on_exit', false],
  ['waitUrl', 'wait_url', undefined],
  ['maxParticipants', 'max_participants', 250],
  ['record', 'record', 'do-not-record', ['do-not-record', 'record-from-start']],
  ['region', 'region', undefined],
  ['trim', 'trim', 'trim-silence', ['trim-silence', 'do-not-trim']],
  ['coach', 'coach', undefined],
  ['statusCallbackEvent', 'status_callback_event', undefined],
  ['statusCallback', 'status_callback', undefined],
  ['statusCallbackMethod', 'status_callback_method', 'POST', ['GET', 'POST']],
  ['recordingStatusCallback', 'recording_status_callback', undefined],
  ['recordingStatusCallbackMethod', 'recording_status_callback_method', 'POST', ['GET', 'POST']],
  ['recordingStatusCallbackEvent', 'recording_status_callback_event', 'completed'],
  ['result', 'result', undefined],
];

/** The conference name alone when every option is the default, else `{ name, ...non-defaults }`. */
export function conferenceParams(name: string, options: ConferenceOptions): string | Record<string, unknown> {
  if (typeof name !== 'string' || name.trim() === '') throw new TypeError('joinConference needs a name');
  const max = options.maxParticipants;
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 250)) {
    throw new TypeError('joinConference maxParticipants must be a whole number from 1 to 250');
  }
  const params: Record<string, unknown> = { name };
  for (const [option, wire, platformDefault, allowed] of FIELDS) {
    const value = options[option];
    if (value === undefined || value === null || value === platformDefault || value === '') continue;
    if (allowed && !allowed.includes(value)) {
      throw new TypeError(`joinConference ${option} must be one of ${allowed.join(', ')}`);
    }
    params[wire] = value;
  }
  return Object.keys(params).length === 1 ? name : params;
}
