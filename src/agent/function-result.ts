// FunctionResult: what a tool returns, with chainable actions in SignalWire's SWAIG wire shapes.
// The actions are grouped by concern in ./result/ (base -> conversation -> SWML verbs -> payments and RPC).
import { checkOptions } from './options.js';
import type { SwaigAction } from './result/base.js';
import { SwmlActions } from './result/swml-actions.js';

export { EMPTY_RESPONSE, type FunctionResultJSON, type SwaigAction } from './result/base.js';
export type { DynamicHint } from './result/conversation.js';
export type { ConferenceOptions } from './result/swml-actions.js';

/** A prompt of the `pay` verb: what to say or play for one situation. */
export interface PaymentPrompt {
  for: string;
  actions: PaymentAction[];
  card_type?: string;
  error_type?: string;
}
export interface PaymentAction {
  type: string;
  phrase: string;
}
export interface PaymentParameter {
  name: string;
  value: string;
}

export interface PayOptions {
  paymentConnectorUrl: string;
  /** Only "dtmf" is valid for the SWML pay verb. */
  inputMethod?: 'dtmf';
  statusUrl?: string;
  paymentMethod?: 'credit-card';
  timeout?: number;
  maxAttempts?: number;
  securityCode?: boolean;
  postalCode?: boolean | string;
  minPostalCodeLength?: number;
  tokenType?: 'one-time' | 'reusable';
  chargeAmount?: string;
  currency?: string;
  language?: string;
  voice?: string;
  description?: string;
  validCardTypes?: string;
  parameters?: PaymentParameter[];
  prompts?: PaymentPrompt[];
  aiResponse?: string;
}

const PAY_RESPONSE =
  'The payment status is ${pay_result}, do not mention anything else about collecting payment if successful.';

/**
 * The result of a tool call: the text the AI reads, plus actions the platform performs.
 *
 * @example
 * return new FunctionResult('Transferring you now.').connect('+15551234567', { final: true });
 */
export class FunctionResult extends SwmlActions {
  /**
   * Collects a card payment over DTMF through a payment connector. Numbers and flags travel as strings,
   * exactly as SignalWire's SDKs send them.
   */
  pay(options: PayOptions): this {
    checkOptions(options, 'pay', { required: ['paymentConnectorUrl'] });
    const params: SwaigAction = {
      payment_connector_url: options.paymentConnectorUrl,
      input: options.inputMethod ?? 'dtmf',
      payment_method: options.paymentMethod ?? 'credit-card',
      timeout: String(options.timeout ?? 5),
      max_attempts: String(options.maxAttempts ?? 1),
      security_code: String(options.securityCode ?? true),
      min_postal_code_length: String(options.minPostalCodeLength ?? 0),
      token_type: options.tokenType ?? 'reusable',
      currency: options.currency ?? 'usd',
      language: options.language ?? 'en-US',
      voice: options.voice ?? 'woman',
      valid_card_types: options.validCardTypes ?? 'visa mastercard amex',
    };
    const postal = options.postalCode ?? true;
    params.postal_code = typeof postal === 'boolean' ? String(postal) : postal;
    if (options.statusUrl) params.status_url = options.statusUrl;
    if (options.chargeAmount) params.charge_amount = options.chargeAmount;
    if (options.description) params.description = options.description;
    if (options.parameters?.length) params.parameters = options.parameters;
    if (options.prompts?.length) params.prompts = options.prompts;
    return this.executeSwml({
      version: '1.0.0',
      sections: { main: [{ set: { ai_response: options.aiResponse ?? PAY_RESPONSE } }, { pay: params }] },
    });
  }
  /** Runs a SignalWire RPC method on a call (`execute_rpc`). */
  executeRpc(options: {
    method: string;
    params?: Record<string, unknown>;
    callId?: string;
    nodeId?: string;
  }): this {
    checkOptions(options, 'executeRpc', { required: ['method'] });
    const rpc: SwaigAction = { method: options.method };
    if (options.callId) rpc.call_id = options.callId;
    if (options.nodeId) rpc.node_id = options.nodeId;
    if (options.params && Object.keys(options.params).length > 0) rpc.params = options.params;
    return this.executeSwml({ version: '1.0.0', sections: { main: [{ execute_rpc: rpc }] } });
  }
  /** Dials out, handing the new leg to the SWML at `destSwml`. */
  rpcDial(options: { toNumber: string; fromNumber: string; destSwml: string; deviceType?: string }): this {
    checkOptions(options, 'rpcDial', { required: ['toNumber', 'fromNumber', 'destSwml'] });
    return this.executeRpc({
      method: 'dial',
      params: {
        devices: {
          type: options.deviceType ?? 'phone',
          params: { to_number: options.toNumber, from_number: options.fromNumber },
        },
        dest_swml: options.destSwml,
      },
    });
  }
  /** Sends a message and/or global_data to the AI agent of another call. */
  rpcAiMessage(options: {
    callId: string;
    messageText?: string;
    role?: string;
    globalData?: Record<string, unknown>;
  }): this {
    checkOptions(options, 'rpcAiMessage', { required: ['callId'] });
    const params: SwaigAction = {};
    if (options.messageText !== undefined) {
      params.role = options.role ?? 'system';
      params.message_text = options.messageText;
    }
    if (options.globalData !== undefined) params.global_data = options.globalData;
    if (Object.keys(params).length === 0)
      throw new TypeError('rpcAiMessage needs messageText, globalData or both');
    return this.executeRpc({ method: 'ai_message', callId: options.callId, params });
  }
  /** Takes another call off hold. */
  rpcAiUnhold(callId: string): this {
    return this.executeRpc({ method: 'ai_unhold', callId });
  }

  static createPaymentPrompt(
    forSituation: string,
    actions: PaymentAction[],
    options: { cardType?: string; errorType?: string } = {},
  ): PaymentPrompt {
    const prompt: PaymentPrompt = { for: forSituation, actions };
    if (options.cardType) prompt.card_type = options.cardType;
    if (options.errorType) prompt.error_type = options.errorType;
    return prompt;
  }
  static createPaymentAction(type: string, phrase: string): PaymentAction {
    return { type, phrase };
  }
  static createPaymentParameter(name: string, value: string): PaymentParameter {
    return { name, value };
  }
}
