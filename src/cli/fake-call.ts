// SignalWire-shaped request bodies for offline testing (`swml-guard test`): the SWML fetch of a phone call,
// the SWAIG function call the AI makes during it, and the post-prompt summary at its end. Field names follow
// what SignalWire sends (call.call_id/from/to..., caller_id_num, argument.parsed/raw/substituted).
import { randomUUID } from 'node:crypto';

export interface FakeCall {
  callId: string;
  caller: string;
  /** The agent's number. */
  callee: string;
  projectId: string;
  spaceId: string;
  aiSessionId: string;
}

export function fakeCall(options: { callId?: string; caller?: string } = {}): FakeCall {
  return {
    callId: options.callId ?? randomUUID(),
    caller: options.caller ?? '+15550100000',
    callee: '+15550199999',
    projectId: randomUUID(),
    spaceId: randomUUID(),
    aiSessionId: randomUUID(),
  };
}

/** The body SignalWire POSTs to the SWML URL when a phone call comes in. */
export function swmlRequest(call: FakeCall): Record<string, unknown> {
  return {
    call: {
      call_id: call.callId,
      node_id: `test-node-${call.callId.slice(0, 8)}`,
      segment_id: randomUUID(),
      call_state: 'created',
      direction: 'inbound',
      type: 'phone',
      from: call.caller,
      to: call.callee,
      from_number: call.caller,
      to_number: call.callee,
      project_id: call.projectId,
      space_id: call.spaceId,
    },
    vars: { userVariables: {} },
    envs: {},
  };
}

/** The SWAIG envelope the AI posts to a tool's web_hook_url. */
export function swaigRequest(call: FakeCall, tool: string, args: Record<string, unknown>, appName: string) {
  const raw = JSON.stringify(args);
  return {
    app_name: appName,
    function: tool,
    purpose: `fake call from swml-guard test`,
    argument: { parsed: [args], raw, substituted: raw },
    call_id: call.callId,
    ai_session_id: call.aiSessionId,
    caller_id_name: call.caller,
    caller_id_num: call.caller,
    channel_active: true,
    channel_offhook: true,
    channel_ready: true,
    content_type: 'text/swaig',
    content_disposition: 'SWAIG Function',
    version: '2.0',
    project_id: call.projectId,
    space_id: call.spaceId,
  };
}

/** The post-prompt body at the end of the call: the summary, which also ends the call's tokens. */
export function postPromptRequest(call: FakeCall, summary: string, appName: string) {
  return {
    // The end-of-call shape: only `post_conversation` revokes the call's tokens (other actions, such as
    // fetch_conversation, are answered and end nothing).
    action: 'post_conversation',
    app_name: appName,
    call_id: call.callId,
    ai_session_id: call.aiSessionId,
    caller_id_name: call.caller,
    caller_id_num: call.caller,
    content_type: 'text/swaig',
    version: '2.0',
    post_prompt_data: { raw: summary, substituted: summary, parsed: [] },
    project_id: call.projectId,
    space_id: call.spaceId,
  };
}
