// The agents the benchmarks serve: the demo bank agent, and a 50-tool agent for the SWML render's worst case.
import { AgentBase } from '../src/agent/agent-base.js';
import { FunctionResult } from '../src/agent/function-result.js';
import { createBankAgent } from '../src/demo/bank-agent.js';

/**
 * 50 tools with small schemas; every fifth is secure, so a render mints 10 tokens plus the post-prompt's.
 * Shaped like a real contact-centre agent (prompt sections, hints, params), not an empty shell.
 */
export function createFiftyToolAgent(): AgentBase {
  const agent = new AgentBase({ name: 'fifty-tools' });
  agent
    .promptAddSection('Role', 'You are the phone agent of a large utility company.')
    .addSecurityBoundaries()
    .setPostPrompt('Summarize the call as JSON.')
    .addHints(['account', 'bill', 'outage', 'meter'])
    .setParams({ end_of_speech_timeout: 700 });
  for (let i = 0; i < 50; i++) {
    agent.defineTool({
      name: `tool_${String(i).padStart(2, '0')}`,
      description: `Tool number ${i}: looks something up for the caller and reads it back.`,
      secure: i % 5 === 0,
      parameters: {
        type: 'object',
        properties: {
          account: { type: 'string', pattern: '^[0-9]{10}$', description: 'Account number (10 digits)' },
          amount: { type: 'number', minimum: 0, description: 'Amount in dollars' },
          note: { type: 'string', maxLength: 200, description: 'Free text' },
        },
        required: ['account'],
      },
      handler: () => new FunctionResult(`Tool ${i} done`),
    });
  }
  return agent;
}

export const AGENTS = { demo: createBankAgent, fifty: createFiftyToolAgent } as const;
export type AgentKind = keyof typeof AGENTS;
