// `npm start`: serves the demo bank agent (or AGENT_MODULE via the CLI) with every layer on.
import { ConfigError } from './config/index.js';
import { createBankAgent } from './demo/bank-agent.js';
import { serve } from './http/serve.js';

try {
  await serve(createBankAgent());
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`swml-guard: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  throw err;
}
