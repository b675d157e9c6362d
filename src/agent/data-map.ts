// DataMap: a tool that SignalWire runs itself (expressions, calls to an HTTPS API), with no webhook to this server.
import { checkList, checkOptions } from './options.js';
import { TOOL_NAME_PATTERN } from './tool-names.js';
import type { FunctionResult } from './function-result.js';

export type DataMapParameterType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
export type DataMapMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** `{ response, action? }`: the only output shape SignalWire's schema accepts inside a data_map. */
export interface DataMapOutput {
  response: string;
  action?: Record<string, unknown>[];
}

/** The SWAIG function entry a DataMap renders to (Python: `to_swaig_function()`). */
export interface DataMapFunction {
  function: string;
  description: string;
  parameters: { type: 'object'; properties: Record<string, Record<string, unknown>>; required?: string[] };
  data_map: Record<string, unknown>;
}

function output(result: FunctionResult, where: string): DataMapOutput {
  if (!result.response)
    throw new TypeError(`${where}: a data_map output needs response text (SignalWire's schema requires it)`);
  if (result.postProcess) throw new TypeError(`${where}: post_process is not available in a data_map output`);
  const out: DataMapOutput = { response: result.response };
  if (result.actions.length > 0) out.action = result.actions.map((a) => ({ ...a }));
  return out;
}

/**
 * Builds a data_map tool. SignalWire evaluates it on its own servers: swml-guard's function tokens, rate limits,
 * audit log and emergency switch never see its calls, and its headers (API keys) travel in the SWML document.
 *
 * @example
 * agent.registerSwaigFunction(
 *   new DataMap('get_weather')
 *     .description('Get the current weather for a city')
 *     .parameter('city', 'string', 'City name', { required: true })
 *     .webhook('GET', 'https://api.example.com/weather?q=${enc:args.city}')
 *     .output(new FunctionResult('It is ${response.temp} degrees in ${args.city}.')),
 * );
 */
export class DataMap {
  private purposeText = '';
  private readonly properties: Record<string, Record<string, unknown>> = {};
  private readonly required: string[] = [];
  private readonly expressions: Record<string, unknown>[] = [];
  private readonly webhooks: Record<string, unknown>[] = [];
  private fallback: DataMapOutput | undefined;

  constructor(readonly name: string) {
    if (!TOOL_NAME_PATTERN.test(name)) {
      throw new TypeError(
        `DataMap names must match ${TOOL_NAME_PATTERN.source}; got ${JSON.stringify(name)}`,
      );
    }
  }

  /** What the model reads to decide when to call the tool. */
  description(text: string): this {
    this.purposeText = text;
    return this;
  }
  /** Same as description(), the Python SDK's other name for it. */
  purpose(text: string): this {
    return this.description(text);
  }
  parameter(
    name: string,
    type: DataMapParameterType,
    description: string,
    options: { required?: boolean; enum?: string[] } = {},
  ): this {
    checkOptions(options, 'DataMap.parameter', { known: ['required', 'enum'] });
    const schema: Record<string, unknown> = { type, description };
    if (options.enum?.length) schema.enum = [...options.enum];
    this.properties[name] = schema;
    if (options.required && !this.required.includes(name)) this.required.push(name);
    return this;
  }
  /** When `testValue` (e.g. `${args.command}`) matches `pattern`, answer with `result`. */
  expression(testValue: string, pattern: string | RegExp, result: FunctionResult): this {
    const source = typeof pattern === 'string' ? pattern : pattern.source;
    this.expressions.push({
      string: testValue,
      pattern: source,
      output: output(result, `DataMap ${this.name} expression`),
    });
    return this;
  }
  /** Calls an HTTPS API; `${args.x}` in the URL is filled from the call's arguments. */
  webhook(
    method: DataMapMethod,
    url: string,
    options: { headers?: Record<string, string>; inputArgsAsParams?: boolean; requireArgs?: string[] } = {},
  ): this {
    checkOptions(options, 'DataMap.webhook', { known: ['headers', 'inputArgsAsParams', 'requireArgs'] });
    const verb = (method as string).toUpperCase();
    if (!['GET', 'POST', 'PUT', 'DELETE'].includes(verb))
      throw new TypeError(`DataMap ${this.name}: method must be GET, POST, PUT or DELETE`);
    // The call's arguments and these headers (often API keys) go to this URL: never in clear text.
    if (!/^https:\/\/[^\s/]+/i.test(url))
      throw new TypeError(`DataMap ${this.name}: webhook URLs must be https://`);
    const hook: Record<string, unknown> = { url, method: verb };
    if (options.headers && Object.keys(options.headers).length > 0) hook.headers = { ...options.headers };
    if (options.inputArgsAsParams) hook.input_args_as_params = true;
    if (options.requireArgs?.length) hook.require_args = [...options.requireArgs];
    this.webhooks.push(hook);
    return this;
  }
  /** Request parameters (the body of a POST/PUT) for the last webhook. */
  params(data: Record<string, unknown>): this {
    return this.onLastWebhook('params', { ...data });
  }
  /** Builds `outputKey` from each element of the response array `inputKey`, for the last webhook. */
  foreach(options: { inputKey: string; outputKey: string; append: string; max?: number }): this {
    checkOptions(options, 'DataMap.foreach', { required: ['inputKey', 'outputKey', 'append'] });
    const each: Record<string, unknown> = {
      input_key: options.inputKey,
      output_key: options.outputKey,
      append: options.append,
    };
    if (options.max !== undefined) each.max = options.max;
    return this.onLastWebhook('foreach', each);
  }
  /** The answer when the last webhook succeeds. */
  output(result: FunctionResult): this {
    return this.onLastWebhook('output', output(result, `DataMap ${this.name} output`));
  }
  /** Keys whose presence in the last webhook's response means it failed. */
  errorKeys(keys: string[]): this {
    return this.onLastWebhook('error_keys', checkList(keys, 'DataMap.errorKeys'));
  }
  /** The answer when no expression matched and every webhook failed. */
  fallbackOutput(result: FunctionResult): this {
    this.fallback = output(result, `DataMap ${this.name} fallback output`);
    return this;
  }
  private onLastWebhook(key: string, value: unknown): this {
    const last = this.webhooks.at(-1);
    if (last === undefined) throw new Error(`DataMap ${this.name}: add a webhook() before ${key}()`);
    last[key] = value;
    return this;
  }

  toSwaigFunction(): DataMapFunction {
    const dataMap: Record<string, unknown> = {};
    if (this.expressions.length > 0) dataMap.expressions = structuredClone(this.expressions);
    if (this.webhooks.length > 0) dataMap.webhooks = structuredClone(this.webhooks);
    if (this.fallback) dataMap.output = structuredClone(this.fallback);
    if (Object.keys(dataMap).length === 0) {
      throw new Error(`DataMap ${this.name} does nothing: add an expression, a webhook or a fallback output`);
    }
    const parameters: DataMapFunction['parameters'] = {
      type: 'object',
      properties: structuredClone(this.properties),
    };
    if (this.required.length > 0) parameters.required = [...this.required];
    return {
      function: this.name,
      description: this.purposeText || `Execute ${this.name}`,
      parameters,
      data_map: dataMap,
    };
  }
}
