// FunctionResult actions that run SWML on the call: transfers, SMS, rooms, conferences, SIP REFER, taps, recording.
import { checkOptions } from '../options.js';
import type { SwaigAction } from './base.js';
import { ConversationActions } from './conversation.js';
import { conferenceParams, type ConferenceOptions } from './conference.js';

export type { ConferenceOptions } from './conference.js';

function oneOf<T extends string>(what: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value))
    throw new TypeError(`${what} must be one of ${allowed.join(', ')}; got ${value}`);
  return value;
}

export class SwmlActions extends ConversationActions {
  /**
   * Runs a SWML document: an object, or SWML text. JSON text is parsed; other text travels as
   * `{ raw_swml }`, as the SDKs send it. `transfer: true` leaves the AI session (sent as the string
   * `"true"` inside the SWML object, where the SDKs put it).
   */
  executeSwml(swml: Record<string, unknown> | string, options: { transfer?: boolean } = {}): this {
    checkOptions(options, 'executeSwml');
    let doc: SwaigAction;
    if (typeof swml === 'string') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(swml);
      } catch {
        parsed = undefined;
      }
      doc =
        parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
          ? (parsed as SwaigAction)
          : { raw_swml: swml };
    } else {
      doc = { ...swml };
    }
    if (options.transfer) doc.transfer = 'true';
    return this.addAction({ SWML: doc });
  }
  private verb(name: string, params: unknown): this {
    return this.executeSwml({ version: '1.0.0', sections: { main: [{ [name]: params }] } });
  }
  /** Transfers the call; `final: false` returns to the agent when the far end hangs up. */
  connect(destination: string, options: { final?: boolean; from?: string } = {}): this {
    checkOptions(options, 'connect');
    const connect: Record<string, string> = { to: destination };
    if (options.from) connect.from = options.from;
    return this.addAction({
      SWML: { sections: { main: [{ connect }] }, version: '1.0.0' },
      transfer: String(options.final ?? true),
    });
  }
  swmlTransfer(destination: string, aiResponse: string, options: { final?: boolean } = {}): this {
    checkOptions(options, 'swmlTransfer');
    return this.addAction({
      SWML: {
        version: '1.0.0',
        sections: { main: [{ set: { ai_response: aiResponse } }, { transfer: { dest: destination } }] },
      },
      transfer: String(options.final ?? true),
    });
  }
  /** Sends an event to the connected client's UI (`user_event`). */
  swmlUserEvent(event: Record<string, unknown>): this {
    return this.addAction({
      SWML: { sections: { main: [{ user_event: { event } }] }, version: '1.0.0' },
    });
  }
  /** Sends an SMS or MMS; needs `body`, `media` or both. */
  sendSms(options: {
    toNumber: string;
    fromNumber: string;
    body?: string;
    media?: string[];
    tags?: string[];
    region?: string;
  }): this {
    checkOptions(options, 'sendSms', { required: ['toNumber', 'fromNumber'] });
    if (!options.body && !options.media?.length) throw new TypeError('sendSms needs a body or media');
    const sms: SwaigAction = { to_number: options.toNumber, from_number: options.fromNumber };
    if (options.body) sms.body = options.body;
    if (options.media?.length) sms.media = options.media;
    if (options.tags?.length) sms.tags = options.tags;
    if (options.region) sms.region = options.region;
    return this.verb('send_sms', sms);
  }
  joinRoom(name: string): this {
    return this.verb('join_room', { name });
  }
  /** Joins an audio conference: just its name unless an option differs from the platform's default. */
  joinConference(name: string, options: ConferenceOptions = {}): this {
    checkOptions(options, 'joinConference');
    return this.verb('join_conference', conferenceParams(name, options));
  }
  /** Sends a SIP REFER to transfer a SIP call. */
  sipRefer(toUri: string): this {
    return this.verb('sip_refer', { to_uri: toUri });
  }
  /** Streams the call's audio to `uri` (rtp://, ws:// or wss://). */
  tap(options: {
    uri: string;
    controlId?: string;
    direction?: 'speak' | 'listen' | 'both';
    codec?: 'PCMU' | 'PCMA';
    rtpPtime?: number;
    statusUrl?: string;
  }): this {
    checkOptions(options, 'tap', { required: ['uri'] });
    const params: SwaigAction = { uri: options.uri };
    if (options.controlId) params.control_id = options.controlId;
    // Always sent: the verb's own default is "speak", which would tap less than asked (the Python SDK's choice).
    params.direction = oneOf('tap direction', options.direction ?? 'both', ['speak', 'listen', 'both']);
    if (oneOf('tap codec', options.codec ?? 'PCMU', ['PCMU', 'PCMA']) !== 'PCMU')
      params.codec = options.codec;
    const ptime = options.rtpPtime ?? 20;
    if (!Number.isInteger(ptime) || ptime <= 0)
      throw new TypeError('tap rtpPtime must be a positive integer');
    if (ptime !== 20) params.rtp_ptime = ptime;
    if (options.statusUrl) params.status_url = options.statusUrl;
    return this.verb('tap', params);
  }
  stopTap(options: { controlId?: string } = {}): this {
    checkOptions(options, 'stopTap');
    return this.verb('stop_tap', options.controlId ? { control_id: options.controlId } : {});
  }
  /** Records the call in the background. */
  recordCall(
    options: {
      controlId?: string;
      stereo?: boolean;
      format?: 'wav' | 'mp3' | 'mp4';
      direction?: 'speak' | 'listen' | 'both';
      terminators?: string;
      beep?: boolean;
      inputSensitivity?: number;
      initialTimeout?: number;
      endSilenceTimeout?: number;
      maxLength?: number;
      statusUrl?: string;
    } = {},
  ): this {
    checkOptions(options, 'recordCall');
    const params: SwaigAction = {
      stereo: options.stereo ?? false,
      format: oneOf('recordCall format', options.format ?? 'wav', ['wav', 'mp3', 'mp4']),
      direction: oneOf('recordCall direction', options.direction ?? 'both', ['speak', 'listen', 'both']),
      beep: options.beep ?? false,
      input_sensitivity: options.inputSensitivity ?? 44,
    };
    if (options.controlId) params.control_id = options.controlId;
    if (options.terminators) params.terminators = options.terminators;
    if (options.initialTimeout !== undefined) params.initial_timeout = options.initialTimeout;
    if (options.endSilenceTimeout !== undefined) params.end_silence_timeout = options.endSilenceTimeout;
    if (options.maxLength !== undefined) params.max_length = options.maxLength;
    if (options.statusUrl) params.status_url = options.statusUrl;
    return this.verb('record_call', params);
  }
  stopRecordCall(options: { controlId?: string } = {}): this {
    checkOptions(options, 'stopRecordCall');
    return this.verb('stop_record_call', options.controlId ? { control_id: options.controlId } : {});
  }
}
