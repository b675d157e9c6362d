// Public API of swml-guard.
import { assertFreshBuild } from './build-check.js';

assertFreshBuild(import.meta.url);

export {
  AgentBase,
  type AgentOptions,
  type LanguageOptions,
  type SummaryHandler,
} from './agent/agent-base.js';
export {
  FunctionResult,
  type ConferenceOptions,
  type DynamicHint,
  type FunctionResultJSON,
  type PayOptions,
  type PaymentAction,
  type PaymentParameter,
  type PaymentPrompt,
  type SwaigAction,
} from './agent/function-result.js';
export {
  DataMap,
  type DataMapFunction,
  type DataMapMethod,
  type DataMapOutput,
  type DataMapParameterType,
} from './agent/data-map.js';
export { ContextBuilder, Context, Step } from './agent/contexts.js';
export type { CallConfig, DynamicConfigHook, SwmlRequestInfo } from './agent/call-config.js';
export {
  NATIVE_FUNCTIONS,
  type FunctionInclude,
  type Hint,
  type LlmParams,
  type NativeFunction,
  type PatternHint,
  type PronunciationRule,
} from './agent/ai-config.js';
export type {
  ObjectSchema,
  JsonSchema,
  SwaigRequest,
  ToolContext,
  ToolDefinition,
  ToolHandler,
  ToolReturn,
} from './agent/types.js';
export { createApp, type AppOptions, type GuardApp, type GuardHandle } from './http/app.js';
// Your own layer (docs/architecture.md): a Unit passed to createApp({ units }), refusing through refusal().
export { DROPPED, type Unit, type Verdict } from './http/pipeline.js';
export { refusal, type Refusal } from './http/refusal.js';
export type { RequestState } from './http/request-state.js';
export { serve, type RunningAgent, type ServeOptions } from './http/serve.js';
export { loadConfig, ConfigError, EXIT_CONFIG, type Config } from './config/index.js';
export { signRequest } from './security/signature.js';
export { timingSafeEqual } from './security/timing-safe.js';
export { createBankAgent } from './demo/bank-agent.js';
export { VERSION } from './version.js';
