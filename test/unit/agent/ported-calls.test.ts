// Calls ported word for word from the Python SDK's positional/keyword style must not compile (tsc checks the
// `@ts-expect-error` lines: an unneeded one is itself an error) and must throw in plain JavaScript.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentBase } from '../../../src/agent/agent-base.js';
import { DataMap } from '../../../src/agent/data-map.js';
import { FunctionResult } from '../../../src/agent/function-result.js';

const doc = { version: '1.0.0', sections: { main: [] } };

/** Each entry: the Python call, and its literal TypeScript port. */
function portedCalls(r: FunctionResult, agent: AgentBase, dm: DataMap): [string, () => unknown][] {
  return [
    [
      'tap("wss://x", "ctl")',
      () => {
        // @ts-expect-error tap(uri, control_id) is positional in Python
        return r.tap('wss://x', 'ctl');
      },
    ],
    [
      'stop_tap("ctl")',
      () => {
        // @ts-expect-error stop_tap(control_id)
        return r.stopTap('ctl');
      },
    ],
    [
      'record_call("rec", True)',
      () => {
        // @ts-expect-error record_call(control_id, stereo)
        return r.recordCall('rec', true);
      },
    ],
    [
      'stop_record_call("rec")',
      () => {
        // @ts-expect-error stop_record_call(control_id)
        return r.stopRecordCall('rec');
      },
    ],
    [
      'send_sms("+1", "+2", "hi")',
      () => {
        // @ts-expect-error send_sms(to_number, from_number, body)
        return r.sendSms('+15550001111', '+15550002222', 'hi');
      },
    ],
    [
      'join_conference("team", True)',
      () => {
        // @ts-expect-error join_conference(name, muted)
        return r.joinConference('team', true);
      },
    ],
    [
      'pay("https://pay")',
      () => {
        // @ts-expect-error pay(payment_connector_url)
        return r.pay('https://pay.example.com');
      },
    ],
    [
      'connect("+1", False, "+2")',
      () => {
        // @ts-expect-error connect(destination, final, from_addr)
        return r.connect('+15550001111', false, '+15550002222');
      },
    ],
    [
      'swml_transfer(dest, "bye", False)',
      () => {
        // @ts-expect-error swml_transfer(dest, ai_response, final)
        return r.swmlTransfer('https://x', 'bye', false);
      },
    ],
    [
      'execute_swml(doc, True)',
      () => {
        // @ts-expect-error execute_swml(content, transfer)
        return r.executeSwml(doc, true);
      },
    ],
    [
      'play_background_file("a.mp3", True)',
      () => {
        // @ts-expect-error play_background_file(filename, wait)
        return r.playBackgroundFile('https://x/a.mp3', true);
      },
    ],
    [
      'wait_for_user(True)',
      () => {
        // @ts-expect-error wait_for_user(enabled)
        return r.waitForUser(true);
      },
    ],
    [
      'switch_context("sys", "user")',
      () => {
        // @ts-expect-error switch_context(system_prompt, user_prompt)
        return r.switchContext('sys', 'user');
      },
    ],
    [
      'rpc_dial("+1", "+2", url)',
      () => {
        // @ts-expect-error rpc_dial(to_number, from_number, dest_swml)
        return r.rpcDial('+15550001111', '+15550002222', 'https://x');
      },
    ],
    [
      'rpc_ai_message("c", "hi")',
      () => {
        // @ts-expect-error rpc_ai_message(call_id, message_text)
        return r.rpcAiMessage('call-1', 'hi');
      },
    ],
    [
      'execute_rpc("dial", {...})',
      () => {
        // @ts-expect-error execute_rpc(method, params)
        return r.executeRpc('dial', {});
      },
    ],
    [
      'add_action("hangup")',
      () => {
        // @ts-expect-error add_action(name) needs its data too
        return r.addAction('hangup');
      },
    ],
    [
      'add_pattern_hint("AI Agent", "AI\\s+Agent", "A.I. Agent", True)',
      () => {
        // @ts-expect-error add_pattern_hint(hint, pattern, replace, ignore_case)
        return agent.addPatternHint('AI Agent', 'AI\\s+Agent', 'A.I. Agent', true);
      },
    ],
    [
      'add_pronunciation("API", "A P I", True)',
      () => {
        // @ts-expect-error add_pronunciation(replace, with_text, ignore_case)
        return agent.addPronunciation('API', 'A P I', true);
      },
    ],
    [
      'set_prompt_llm_params(barge_confidence=0.7)',
      () => {
        // @ts-expect-error barge_confidence is not allowed in the prompt by SignalWire's schema
        return agent.setPromptLlmParams({ barge_confidence: 0.7 });
      },
    ],
    [
      'set_native_functions(["fetch_weather"])',
      () => {
        // @ts-expect-error native functions are a closed list
        return agent.setNativeFunctions(['fetch_weather']);
      },
    ],
    [
      'add_language("English", "en-US", "voice")',
      () => {
        // @ts-expect-error add_language(name, code, voice)
        return agent.addLanguage('English', 'en-US', 'inworld.Mark');
      },
    ],
    [
      'enable_sip_routing(True)',
      () => {
        // @ts-expect-error enable_sip_routing(auto_map)
        return agent.enableSipRouting(true);
      },
    ],
    [
      'set_dynamic_config_callback(fn(q, b, h, agent))',
      () => {
        // @ts-expect-error the Python callback takes (query_params, body_params, headers, agent)
        return agent.setDynamicConfigCallback((_q: string, _b: string, _h: string, _a: string) => 0);
      },
    ],
    [
      'DataMap.parameter("city", "string", "City", True)',
      () => {
        // @ts-expect-error DataMap.parameter(name, type, description, required)
        return dm.parameter('city', 'string', 'City', true);
      },
    ],
    [
      'DataMap.webhook("GET", url, {"X-Key": "k"})',
      () => {
        // @ts-expect-error DataMap.webhook(method, url, headers)
        return dm.webhook('GET', 'https://api.example.com', { 'X-Key': 'k' });
      },
    ],
    [
      'step.set_functions("none")',
      () => {
        // @ts-expect-error Step.set_functions("none"): SignalWire's schema takes a list
        return agent.defineContexts().addContext('default').addStep('s').setFunctions('none');
      },
    ],
  ];
}

describe('calls ported positionally from the Python SDK', () => {
  const calls = portedCalls(new FunctionResult('ok'), new AgentBase({ name: 'port' }), new DataMap('lookup'));
  for (const [python, call] of calls) {
    it(`${python} throws in plain JavaScript instead of sending a wrong shape`, () => {
      assert.throws(call, TypeError);
    });
  }
});
