// The demo bank-support agent (SPEC 15): every layer on show, handlers with no real I/O.
import { AgentBase, type AgentOptions } from '../agent/agent-base.js';
import { FunctionResult } from '../agent/function-result.js';

const LARGE_TRANSFER = 10_000;

/**
 * Builds the demo agent: `get_balance` (opted out with `secure: false`), `transfer_funds`, `change_password`
 * and `delete_account` (secure: each needs the function token minted into its webhook URL for this call).
 *
 * @example
 * await serve(createBankAgent());
 */
export function createBankAgent(options: Partial<AgentOptions> = {}): AgentBase {
  const agent = new AgentBase({ name: 'bank-support', ...options });

  agent
    .promptAddSection(
      'Role',
      'You are the phone support agent of Example Bank. Be brief, friendly and precise.',
    )
    .promptAddSection('Capabilities', 'You can help callers with these tasks.', {
      bullets: [
        'Tell the caller their balance.',
        'Transfer funds to another account.',
        'Change the online banking password.',
        'Close (delete) the account.',
      ],
    })
    .addSecurityBoundaries()
    .requireConfirmationFor(['transfer_funds', 'change_password', 'delete_account'])
    .setPostPrompt(
      'Summarize the call as JSON: {"intent": string, "actions": [string], "resolved": boolean, "escalate": boolean}. Never include passwords, codes or full account numbers.',
    )
    .addHints(['balance', 'transfer', 'password', 'account'])
    .setParams({ end_of_speech_timeout: 700 });

  agent.defineTool({
    name: 'get_balance',
    description: "Get the caller's current account balance.",
    // Tools are secure by default; this one reads a fixed demo figure, so it opts out (doctor lists it).
    secure: false,
    parameters: {},
    handler: () => new FunctionResult('Your balance is $150.00'),
  });

  agent.defineTool<{ amount: number; to_account: string }>({
    name: 'transfer_funds',
    description:
      "Transfer money from the caller's account to another account. Confirm amount and account first.",
    secure: true,
    securityEvents: ['large_transaction_attempt'],
    // Identifying, not secret: audit lines show ***7890, like caller numbers.
    mask: ['to_account'],
    parameters: {
      type: 'object',
      properties: {
        amount: { type: 'number', exclusiveMinimum: 0, description: 'Amount in dollars' },
        to_account: {
          type: 'string',
          pattern: '^[0-9]{10}$',
          description: 'Destination account number (10 digits)',
        },
      },
      required: ['amount', 'to_account'],
    },
    handler: ({ amount, to_account }, _raw, ctx) => {
      if (amount > LARGE_TRANSFER) {
        ctx.securityEvent('large_transaction_attempt', { amount, to_account_last4: to_account.slice(-4) });
        return new FunctionResult(
          `Transfers over $${LARGE_TRANSFER} require additional verification. Please visit a branch or call back from your registered number.`,
        );
      }
      return new FunctionResult(`Transferred $${amount} to account ${to_account}`);
    },
  });

  agent.defineTool<{ new_password: string }>({
    name: 'change_password',
    description: "Change the caller's online banking password. Confirm before changing.",
    secure: true,
    sensitive: ['new_password'],
    parameters: {
      type: 'object',
      properties: {
        new_password: { type: 'string', minLength: 8, maxLength: 128, description: 'The new password' },
      },
      required: ['new_password'],
    },
    handler: () => new FunctionResult('Your password has been changed.'),
  });

  agent.defineTool<{ verification_code: string }>({
    name: 'delete_account',
    description: "Close the caller's account. Requires the verification code sent to the caller.",
    secure: true,
    parameters: {
      type: 'object',
      properties: {
        verification_code: {
          type: 'string',
          pattern: '^[0-9]{4,8}$',
          description: 'Verification code (4-8 digits)',
        },
      },
      required: ['verification_code'],
    },
    handler: () =>
      new FunctionResult(
        'Your account has been scheduled for closure. You will receive a confirmation letter.',
      ),
  });

  // The call is over: the framework has revoked this call's tokens; this records the summary in call_end.
  agent.onSummary((summary) => {
    if (summary !== null && typeof summary === 'object') {
      const { intent, resolved, escalate } = summary as Record<string, unknown>;
      return { summary: { intent, resolved, escalate } };
    }
    return { summary: typeof summary === 'string' ? { text: summary.slice(0, 500) } : undefined };
  });
  return agent;
}
