// `npm start`: serves the demo bank agent with every layer on, with `.env` (if any) under the environment.
import { ConfigError, readEnvFile } from './config/index.js';
import { createBankAgent } from './demo/bank-agent.js';
import { serve } from './http/serve.js';

try {
  await serve(createBankAgent(), { env: readEnvFile().env });
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`swml-guard: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  throw err;
}
