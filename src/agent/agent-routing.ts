// What reaches the agent besides its webhook tools: DataMap tools, the per-call SWML hook and SIP routing.
import { AgentSettings } from './agent-settings.js';
import type { DynamicConfigHook } from './call-config.js';
import { DataMap, type DataMapFunction } from './data-map.js';
import { checkOptions } from './options.js';
import { autoMappedUsernames, sipPath, sipUsername, type SipRouting } from './sip.js';
import { RESERVED_TOOL_NAMES } from './tool-names.js';
import type { RegisteredTool } from './types.js';

export abstract class AgentRouting extends AgentSettings {
  abstract readonly name: string;
  abstract readonly route: string;
  abstract readonly tools: Map<string, RegisteredTool>;
  abstract declareSecurityEvent(name: string): this;
  /** DataMap tools: rendered into the SWML, run by SignalWire, never dispatched here. */
  readonly dataMapTools = new Map<string, DataMapFunction>();
  dynamicConfig: DynamicConfigHook | undefined;
  sipRouting: SipRouting | undefined;

  /**
   * Configures each call's document (Python SDK: `set_dynamic_config_callback`): the hook gets the request
   * (no credentials) and a copy of the agent's prompt and AI settings to change for that call only.
   */
  setDynamicConfigCallback(hook: DynamicConfigHook | undefined): this {
    if (hook !== undefined && typeof hook !== 'function') {
      throw new TypeError('the dynamic config hook must be a function');
    }
    if (hook !== undefined && hook.length > 2) {
      throw new TypeError(
        "the dynamic config hook takes (request, agent); the Python callback's query_params, body_params and headers are request.query, request.body and request.headers",
      );
    }
    this.dynamicConfig = hook;
    return this;
  }
  /** Registers a DataMap tool (Python SDK: `register_swaig_function(DataMap(...).to_swaig_function())`). */
  registerSwaigFunction(dataMap: DataMap): this {
    if (!(dataMap instanceof DataMap))
      throw new TypeError('registerSwaigFunction takes a DataMap (build one with new DataMap(name))');
    if (
      this.tools.has(dataMap.name) ||
      this.dataMapTools.has(dataMap.name) ||
      RESERVED_TOOL_NAMES.has(dataMap.name)
    ) {
      throw new Error(`tool ${dataMap.name} is already defined`);
    }
    this.dataMapTools.set(dataMap.name, dataMap.toSwaigFunction());
    return this;
  }
  /**
   * Serves this agent's SWML at `{route}sip` (POST) for calls to the registered SIP usernames; other
   * usernames get 404. `autoMap` registers the agent's name, its route and its name without vowels.
   */
  enableSipRouting(options: { autoMap?: boolean; path?: string } = {}): this {
    checkOptions(options, 'enableSipRouting', { known: ['autoMap', 'path'] });
    this.sipRouting ??= { path: 'sip', usernames: new Set() };
    this.sipRouting.path = sipPath(options.path);
    this.declareSecurityEvent('sip_user_unknown');
    if (options.autoMap ?? true) {
      for (const name of autoMappedUsernames(this.name, this.route)) this.sipRouting.usernames.add(name);
    }
    return this;
  }
  registerSipUsername(username: string): this {
    if (this.sipRouting === undefined) this.enableSipRouting({ autoMap: false });
    this.sipRouting?.usernames.add(sipUsername(username));
    return this;
  }
}
