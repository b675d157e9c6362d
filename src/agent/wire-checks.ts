// Refuses, when the agent is configured, settings SignalWire's SWML schema would reject on every call.

/**
 * The language keys SignalWire's schema accepts in a tool's `fillers` (one per tool), `default` included.
 * Data from SignalWire's SWML schema (`FunctionFillers`); update it with the schema.
 */
export const FILLER_LANGUAGES = new Set(
  (
    'default bg ca zh zh-CN zh-Hans zh-TW zh-Hant zh-HK cs da da-DK nl en en-US en-GB en-NZ en-IN en-AU et fi ' +
    'nl-BE fr fr-CA de de-CH el hi hu id it ja ko ko-KR lv lt ms multi no pl pt pt-BR pt-PT ro ru sk es es-419 ' +
    'sv sv-SE th th-TH tr uk vi'
  ).split(' '),
);

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A tool's fillers: SignalWire accepts exactly one language per tool. Fillers in several languages go on
 * each language instead (`addLanguage({ ..., function_fillers: [...] })`), which the platform plays for
 * every tool in that language.
 */
export function checkToolFillers(tool: string, fillers: unknown): void {
  if (fillers === undefined) return;
  const where = `tool ${tool}: fillers`;
  if (!isObject(fillers))
    throw new TypeError(`${where} must be an object such as { 'en-US': ['One moment'] }`);
  const languages = Object.keys(fillers);
  if (languages.length !== 1) {
    throw new TypeError(
      `${where} must name exactly one language (SignalWire's schema allows one per tool); got ${languages.length === 0 ? 'none' : languages.join(', ')}. ` +
        'For several languages, set function_fillers on each addLanguage({ name, code, voice, function_fillers }) instead.',
    );
  }
  const [language = ''] = languages;
  if (!FILLER_LANGUAGES.has(language)) {
    throw new TypeError(
      `${where}: ${JSON.stringify(language)} is not a language SignalWire accepts for tool fillers; use one of ${[...FILLER_LANGUAGES].join(', ')}`,
    );
  }
  if (!isStrings(fillers[language]) || fillers[language].length === 0)
    throw new TypeError(`${where}: ${language} must be a non-empty array of phrases`);
}

const LANGUAGE_TEXT = ['name', 'code', 'voice', 'model', 'engine'] as const;
const LANGUAGE_FILLERS = ['function_fillers', 'speech_fillers', 'fillers'] as const;
const LANGUAGE_KEYS = new Set<string>([...LANGUAGE_TEXT, ...LANGUAGE_FILLERS, 'emotion', 'speed', 'params']);

/** A language entry as SignalWire's schema accepts it: name, code and voice, known fields only. */
export function checkLanguage(language: Record<string, unknown>): void {
  const label = `addLanguage(${JSON.stringify(language.name ?? language.code ?? '?')})`;
  for (const key of ['name', 'code', 'voice'] as const) {
    if (typeof language[key] !== 'string' || language[key] === '')
      throw new TypeError(
        `${label}: ${key} is required by SignalWire (a non-empty string, e.g. voice: 'rime.spore')`,
      );
  }
  for (const [key, value] of Object.entries(language)) {
    if (value === undefined) continue;
    if (!LANGUAGE_KEYS.has(key))
      throw new TypeError(
        `${label}: ${key} is not a language field SignalWire accepts; use ${[...LANGUAGE_KEYS].join(', ')}`,
      );
    if ((LANGUAGE_TEXT as readonly string[]).includes(key) && typeof value !== 'string')
      throw new TypeError(`${label}: ${key} must be a string`);
    if ((LANGUAGE_FILLERS as readonly string[]).includes(key) && !isStrings(value))
      throw new TypeError(`${label}: ${key} must be an array of phrases`);
    if ((key === 'emotion' || key === 'speed') && value !== 'auto')
      throw new TypeError(`${label}: ${key} can only be 'auto'`);
    if (key === 'params' && !isObject(value)) throw new TypeError(`${label}: params must be an object`);
  }
  if (language.fillers !== undefined && (language.function_fillers ?? language.speech_fillers) !== undefined)
    throw new TypeError(`${label}: use fillers, or function_fillers and speech_fillers, not both`);
}
