// The files `swml-guard init` writes: an agent with one open and one secure tool and the project around it
// (its test is in init-test-file.ts). Templates as functions of the project name and folder, nothing else.

export function agentFile(name: string): string {
  return `// ${name}: a SignalWire voice-AI agent served by swml-guard.
import { AgentBase, FunctionResult } from 'swml-guard';

export const agent = new AgentBase({ name: ${JSON.stringify(name)} });
agent
  .promptAddSection('Role', 'You are the phone assistant of Example Co. Be brief and friendly.')
  .addSecurityBoundaries();
// The summary SignalWire posts at the end of a call; receiving it also revokes the call's function tokens.
agent.setPostPrompt('Summarize the call in one sentence.');

// An open tool: read-only, harmless information. Basic Auth still protects it.
agent.defineTool({
  name: 'opening_hours',
  description: 'When the office is open',
  secure: false,
  parameters: {},
  handler: () => new FunctionResult('We are open Monday to Friday, 9 am to 5 pm.'),
});

// A secure tool: it changes something, so it also needs the function token minted for this call into
// its webhook URL. Arguments are checked against the schema before the handler runs.
agent.defineTool<{ day: string; time: string }>({
  name: 'book_appointment',
  description: 'Book an appointment for the caller',
  secure: true,
  parameters: {
    type: 'object',
    properties: {
      day: { type: 'string', enum: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] },
      time: { type: 'string', pattern: '^(0[9]|1[0-6]):[0-5][0-9]$' },
    },
    required: ['day', 'time'],
  },
  handler: ({ day, time }, _raw, ctx) => {
    ctx.audit('appointment_booked', { day, time });
    return new FunctionResult(\`Booked for \${day} at \${time}.\`);
  },
});

export default agent;
`;
}

export function packageJson(name: string, version: string): string {
  const pkg = {
    name,
    private: true,
    type: 'module',
    scripts: {
      start: 'swml-guard serve ./agent.ts',
      test: 'node --import tsx --test agent.test.ts',
      doctor: 'swml-guard doctor ./agent.ts',
      build: 'tsc',
    },
    dependencies: { 'swml-guard': `^${version}` },
    devDependencies: { '@types/node': '^20.19.0', tsx: '^4.20.0', typescript: '^5.9.0' },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      types: ['node'],
      strict: true,
      skipLibCheck: true,
      outDir: 'dist',
    },
    include: ['agent.ts'],
  },
  null,
  2,
)}\n`;

export const GITIGNORE = 'node_modules/\ndist/\n.env\n';

/** Compose reads paths of an extra file relative to the first file's folder: this one names the absolute path. */
export function composeOverride(dir: string): string {
  return `# Runs this agent in the swml-guard compose stack instead of the demo. Build it first (\`npm run build\`:
# the image has no TypeScript loader), then, from your swml-guard folder:
#   docker compose -f docker-compose.yml -f ${dir}/docker-compose.agent.yml up -d
# Written by \`swml-guard init\` for ${dir}; edit the path if you move the folder.
services:
  agent:
    environment:
      AGENT_MODULE: /app/agents/agent.js
    volumes:
      - ${dir}/dist:/app/agents:ro
`;
}

export function readme(name: string): string {
  return `# ${name}

A SignalWire voice-AI agent served by [swml-guard](https://www.npmjs.com/package/swml-guard).

\`\`\`sh
npm install
npm test                                                   # the agent through every layer, offline
npx swml-guard test ./agent.ts --function opening_hours    # one tool, offline, with fake call data
npm start                                                  # serve it (settings from .env)
\`\`\`

\`.env\` holds this project's secrets (mode 0600; never commit it). \`npm run doctor\` audits the settings
for production; \`docker-compose.agent.yml\` runs the agent in the swml-guard compose stack.
`;
}

export function envFile(secrets: { password: string; tokenSecret: string; adminToken: string }): string {
  return `# Secrets for this agent, written by \`swml-guard init\`. Keep this file out of git (.gitignore) and
# readable by you only. \`swml-guard serve\` and \`npm start\` read it; variables set in the environment win.
SWML_BASIC_AUTH_USER=signalwire
SWML_BASIC_AUTH_PASSWORD=${secrets.password}
SWML_TOKEN_SECRET=${secrets.tokenSecret}
SWML_ADMIN_TOKEN=${secrets.adminToken}
`;
}
