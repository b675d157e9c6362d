// Port of SignalWire's Python SDK example `examples/simple_agent.py` (signalwire/signalwire-python) to swml-guard.
// Run it with every layer on: `swml-guard serve examples/simple-agent.ts`. docs/porting.md maps each name.
import { AgentBase, FunctionResult } from '../src/index.js';

/** The Python class's setPersonality/setGoal/setInstructions helpers are plain prompt sections here. */
export function createSimpleAgent(): AgentBase {
  const agent = new AgentBase({ name: 'simple', route: '/simple' });

  agent
    .promptAddSection('Personality', 'You are a friendly and helpful assistant.')
    .promptAddSection('Goal', 'Help users with basic tasks and answer questions.')
    .promptAddSection('Instructions', undefined, {
      bullets: [
        'Be concise and direct in your responses.',
        "If you don't know something, say so clearly.",
        'Use the get_time function when asked about the current time.',
        'Use the get_weather function when asked about the weather.',
      ],
    })
    // Python also sets barge_confidence=0.7 here; SignalWire's schema has no such field in `prompt`, so
    // swml-guard refuses it (the Python SDK sends it through unchecked).
    .setPromptLlmParams({ temperature: 0.3, top_p: 0.9, presence_penalty: 0.1, frequency_penalty: 0.2 })
    .setPostPrompt(
      'Return a JSON summary of the conversation: {"topic": "MAIN_TOPIC", "satisfied": true/false, "follow_up_needed": true/false}',
    )
    .addHints(['SignalWire', 'SWML', 'SWAIG'])
    .addPatternHint({ hint: 'AI Agent', pattern: 'AI\\s+Agent', replace: 'A.I. Agent', ignoreCase: true })
    .addPronunciation('API', 'A P I')
    .addPronunciation('SIP', 'sip', { ignoreCase: true })
    .addLanguage({
      name: 'English',
      code: 'en-US',
      voice: 'inworld.Mark',
      speech_fillers: ['Let me think about that...', 'One moment please...'],
      function_fillers: ["I'm looking that up for you...", 'Let me check that...'],
    })
    .addLanguage({
      name: 'Spanish',
      code: 'es',
      voice: 'inworld.Sarah',
      speech_fillers: ['Un momento por favor...', 'Estoy pensando...'],
      function_fillers: ['Estoy buscando esa información...', 'Déjame verificar...'],
    })
    .addLanguage({ name: 'French', code: 'fr-FR', voice: 'inworld.Hanna' })
    .addLanguage({ name: 'German', code: 'de-DE', voice: 'inworld.Blake' })
    .setParams({
      ai_model: 'gpt-4.1-nano',
      wait_for_user: false,
      end_of_speech_timeout: 1000,
      ai_volume: 5,
      languages_enabled: true,
      local_tz: 'America/Los_Angeles',
    })
    .setGlobalData({
      company_name: 'SignalWire',
      product: 'AI Agent SDK',
      supported_features: ['Voice AI', 'Telephone integration', 'SWAIG functions'],
    })
    .setNativeFunctions(['check_time', 'wait_seconds'])
    .addFunctionInclude({
      url: 'https://api.example.com/remote-functions',
      functions: ['get_weather_extended', 'get_traffic', 'get_news'],
      metaData: { auth_type: 'bearer', region: 'us-west' },
    })
    .addFunctionInclude({
      url: 'https://ai-tools.example.org/functions',
      functions: ['translate_text', 'summarize_document'],
    })
    .enableSipRouting({ autoMap: true })
    .registerSipUsername('simple_agent')
    .registerSipUsername('assistant');

  // @AgentBase.tool functions are secure by default in the Python SDK: the same here, said explicitly.
  agent.defineTool({
    name: 'get_time',
    description: 'Get the current time',
    secure: true,
    parameters: {},
    handler: () => {
      const time = new Date().toTimeString().slice(0, 8);
      return new FunctionResult(`The current time is ${time}`);
    },
  });

  agent.defineTool<{ location?: string }>({
    name: 'get_weather',
    description: 'Get the current weather for a location',
    secure: true,
    parameters: {
      location: { type: 'string', description: 'The city or location to get weather for' },
    },
    handler: ({ location = 'Unknown location' }) =>
      new FunctionResult(`It's sunny and 72°F in ${location}.`)
        .addAction('set_global_data', { weather_location: location })
        .addActions([
          { playback_bg: { file: 'https://example.com/weather_sounds.mp3' } },
          { log: { message: `Weather requested for ${location}` } },
        ]),
  });

  // Python prints the summary; here it goes (redacted) into the call_end audit event.
  agent.onSummary((summary) => {
    if (summary === null || typeof summary !== 'object') return undefined;
    const { topic, satisfied, follow_up_needed } = summary as Record<string, unknown>;
    return { summary: { topic, satisfied, follow_up_needed } };
  });
  return agent;
}

export default createSimpleAgent;
