// Public API of swml-guard.
import { assertFreshBuild } from './build-check.js';

assertFreshBuild(import.meta.url);

export {
  AgentBase,
  type AgentOptions,
  type LanguageOptions,
  type SummaryHandler,
} from './agent/agent-base.js';
export { FunctionResult, type FunctionResultJSON, type SwaigAction } from './agent/function-result.js';
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
export { serve, type RunningAgent, type ServeOptions } from './http/serve.js';
export { loadConfig, ConfigError, EXIT_CONFIG, type Config } from './config/index.js';
export { signRequest } from './security/signature.js';
export { timingSafeEqual } from './security/timing-safe.js';
export { createBankAgent } from './demo/bank-agent.js';
export { VERSION } from './version.js';
