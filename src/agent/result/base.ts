// The core of FunctionResult: the response text, the ordered actions and SignalWire's serialisation rules.

/** One SWAIG action object, e.g. `{ say: 'Hello' }` or `{ hangup: true }`. */
export type SwaigAction = Record<string, unknown>;

/** The JSON a SWAIG webhook answers with. `response` is left out when empty, as SignalWire's SDKs do. */
export interface FunctionResultJSON {
  response?: string;
  action?: SwaigAction[];
  post_process?: boolean;
}

/** What the SDKs answer when a result carries neither text nor actions. */
export const EMPTY_RESPONSE = 'Action completed.';

/** Fields and chaining shared by every FunctionResult action group. */
export class FunctionResultBase {
  response: string;
  readonly actions: SwaigAction[] = [];
  postProcess = false;

  constructor(response = '') {
    this.response = response;
  }

  setResponse(response: string): this {
    this.response = response;
    return this;
  }
  /** Lets the AI speak once more before the actions run (only sent when there are actions). */
  setPostProcess(enabled: boolean): this {
    this.postProcess = enabled;
    return this;
  }

  /**
   * Adds a raw action: either an action object, or a name and its data as the SDKs take it
   * (`addAction('set_global_data', { a: 1 })` gives `{ set_global_data: { a: 1 } }`).
   */
  addAction(action: SwaigAction): this;
  addAction(name: string, data: unknown): this;
  addAction(action: SwaigAction | string, data?: unknown): this {
    if (typeof action === 'string') {
      if (action === '') throw new TypeError('addAction needs an action name');
      if (data === undefined) throw new TypeError(`addAction('${action}', data) needs the action's data too`);
      this.actions.push({ [action]: data });
    } else {
      this.actions.push(action);
    }
    return this;
  }
  /** Appends several raw action objects, in order. */
  addActions(actions: readonly SwaigAction[]): this {
    this.actions.push(...actions);
    return this;
  }

  /**
   * SignalWire's shape, as the SDKs' `to_dict()` builds it: `response` only when not empty, `action` only
   * when there are actions, `post_process` only when it matters (there are actions to hold back), and
   * `{"response":"Action completed."}` when there is nothing at all.
   */
  toJSON(): FunctionResultJSON {
    const out: FunctionResultJSON = {};
    if (this.response) out.response = this.response;
    if (this.actions.length > 0) {
      out.action = this.actions;
      if (this.postProcess) out.post_process = true;
    }
    if (out.response === undefined && out.action === undefined) out.response = EMPTY_RESPONSE;
    return out;
  }
}
