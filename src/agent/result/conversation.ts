// FunctionResult actions that steer the AI session: speech, waiting, data, functions, history, steps.
import { checkOptions } from '../options.js';
import { FunctionResultBase, type SwaigAction } from './base.js';

/** A speech-recognition hint added during the call: a word, or a pattern with its replacement. */
export type DynamicHint = string | { pattern: string; replace: string; ignore_case?: boolean };

export class ConversationActions extends FunctionResultBase {
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
    checkOptions(options, 'waitForUser');
    const value = options.answerFirst ? 'answer_first' : (options.timeout ?? options.enabled ?? true);
    return this.addAction({ wait_for_user: value });
  }
  playBackgroundFile(file: string, options: { wait?: boolean } = {}): this {
    checkOptions(options, 'playBackgroundFile');
    return this.addAction({ playback_bg: options.wait ? { file, wait: true } : file });
  }
  stopBackgroundFile(): this {
    return this.addAction({ stop_playback_bg: true });
  }
  addDynamicHints(hints: readonly DynamicHint[]): this {
    return this.addAction({ add_dynamic_hints: [...hints] });
  }
  clearDynamicHints(): this {
    return this.addAction({ clear_dynamic_hints: {} });
  }
  setEndOfSpeechTimeout(milliseconds: number): this {
    return this.addAction({ end_of_speech_timeout: milliseconds });
  }
  setSpeechEventTimeout(milliseconds: number): this {
    return this.addAction({ speech_event_timeout: milliseconds });
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
  toggleFunctions(toggles: readonly { function: string; active: boolean }[]): this {
    return this.addAction({
      toggle_functions: toggles.map((t) => ({ function: t.function, active: t.active })),
    });
  }
  /** Lets functions run when the caller stays silent (`functions_on_speaker_timeout`). */
  enableFunctionsOnTimeout(enabled = true): this {
    return this.addAction({ functions_on_speaker_timeout: enabled });
  }
  /** Sends the full data to the model for this turn only (`extensive_data`). */
  enableExtensiveData(enabled = true): this {
    return this.addAction({ extensive_data: enabled });
  }
  /**
   * After the first send, replaces this tool call and its result in the conversation history: with this
   * text as an assistant message, or (true) removes the pair entirely.
   */
  replaceInHistory(text: string | true = true): this {
    return this.addAction({ replace_in_history: text });
  }
  /** Changes AI settings for the rest of the call (`settings`: temperature, top-p, confidence...). */
  updateSettings(settings: Record<string, unknown>): this {
    return this.addAction({ settings });
  }
  /** Queues text as if the caller had said it (`user_input`). */
  simulateUserInput(text: string): this {
    return this.addAction({ user_input: text });
  }
  /** Replaces the system prompt (a plain string when only that is given, as the SDKs send it). */
  switchContext(
    options: { systemPrompt?: string; userPrompt?: string; consolidate?: boolean; fullReset?: boolean } = {},
  ): this {
    checkOptions(options, 'switchContext');
    const { systemPrompt, userPrompt, consolidate, fullReset } = options;
    if (systemPrompt && !userPrompt && !consolidate && !fullReset) {
      return this.addAction({ context_switch: systemPrompt });
    }
    const data: SwaigAction = {};
    if (systemPrompt) data.system_prompt = systemPrompt;
    if (userPrompt) data.user_prompt = userPrompt;
    if (consolidate) data.consolidate = true;
    if (fullReset) data.full_reset = true;
    return this.addAction({ context_switch: data });
  }
  /** Moves the conversation to another step of the current context (Python: `swml_change_step`). */
  changeStep(step: string): this {
    return this.addAction({ change_step: step });
  }
  /** Moves the conversation to another context (Python: `swml_change_context`). */
  changeContext(context: string): this {
    return this.addAction({ change_context: context });
  }
}
