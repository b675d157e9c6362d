// The one pattern for SWAIG function names (and declared security events): what SignalWire and our URLs accept.
export const TOOL_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Routes of the agent that no tool may take. */
export const RESERVED_TOOL_NAMES: ReadonlySet<string> = new Set(['post_prompt']);
