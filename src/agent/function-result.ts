// FunctionResult: what a tool returns, with chainable actions in SignalWire's SWAIG wire shapes.

/** One SWAIG action object, e.g. `{ say: 'Hello' }` or `{ hangup: true }`. */
export type SwaigAction = Record<string, unknown>;

/** The JSON a SWAIG webhook answers with. */
export interface FunctionResultJSON {
  response: string;
  action?: SwaigAction[];
  post_process?: boolean;
}

/**
 * The result of a tool call: the text the AI reads, plus actions the platform performs.
 *
 * @example
 * return new FunctionResult('Transferring you now.').connect('+15551234567', { final: true });
 */
export class FunctionResult {
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
  addAction(action: SwaigAction): this {
    this.actions.push(action);
    return this;
  }
  say(text: string): this {
    return this.addAction({ say: text });
  }
  hangup(): this {
    return this.addAction({ hangup: true });
  }
  /** Holds the call; timeout in seconds, clamped to 0..900 as the platform does. */
  hold(timeout = 300): this {
    return this.addAction({ hold: Math.max(0, Math.min(900, timeout)) });
  }
  stop(): this {
    return this.addAction({ stop: true });
  }
  waitForUser(options: { enabled?: boolean; timeout?: number; answerFirst?: boolean } = {}): this {
    const value = options.answerFirst ? 'answer_first' : (options.timeout ?? options.enabled ?? true);
    return this.addAction({ wait_for_user: value });
  }
  /** Transfers the call; `final: false` returns to the agent when the far end hangs up. */
  connect(destination: string, options: { final?: boolean; from?: string } = {}): this {
    const connect: Record<string, string> = { to: destination };
    if (options.from) connect.from = options.from;
    return this.addAction({
      SWML: { sections: { main: [{ connect }] }, version: '1.0.0' },
      transfer: String(options.final ?? true),
    });
  }
  swmlTransfer(destination: string, aiResponse: string, options: { final?: boolean } = {}): this {
    return this.addAction({
      SWML: {
        version: '1.0.0',
        sections: { main: [{ set: { ai_response: aiResponse } }, { transfer: { dest: destination } }] },
      },
      transfer: String(options.final ?? true),
    });
  }
  updateGlobalData(data: Record<string, unknown>): this {
    return this.addAction({ set_global_data: data });
  }
  removeGlobalData(keys: string | string[]): this {
    return this.addAction({ unset_global_data: keys });
  }
  setMetadata(data: Record<string, unknown>): this {
    return this.addAction({ set_meta_data: data });
  }
  removeMetadata(keys: string | string[]): this {
    return this.addAction({ unset_meta_data: keys });
  }
  toggleFunctions(toggles: { function: string; active: boolean }[]): this {
    return this.addAction({
      toggle_functions: toggles.map((t) => ({ function: t.function, active: t.active })),
    });
  }
  playBackgroundFile(file: string, options: { wait?: boolean } = {}): this {
    return this.addAction({ playback_bg: options.wait ? { file, wait: true } : file });
  }
  stopBackgroundFile(): this {
    return this.addAction({ stop_playback_bg: true });
  }
  /** Runs a SWML document (object or JSON text); `transfer: true` leaves the AI session. */
  executeSwml(swml: Record<string, unknown> | string, options: { transfer?: boolean } = {}): this {
    const doc: unknown = typeof swml === 'string' ? JSON.parse(swml) : swml;
    const action: SwaigAction = { SWML: doc };
    if (options.transfer) action.transfer = 'true';
    return this.addAction(action);
  }
  setEndOfSpeechTimeout(milliseconds: number): this {
    return this.addAction({ end_of_speech_timeout: milliseconds });
  }
  setPostProcess(enabled: boolean): this {
    this.postProcess = enabled;
    return this;
  }

  toJSON(): FunctionResultJSON {
    const out: FunctionResultJSON = { response: this.response };
    if (this.actions.length > 0) out.action = this.actions;
    if (this.postProcess) out.post_process = true;
    return out;
  }
}
