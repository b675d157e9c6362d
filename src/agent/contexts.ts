// Contexts and steps (`prompt.contexts`): a conversation as named contexts of ordered steps, each with its own
// instructions, completion criteria and allowed functions. Only what SignalWire's schema accepts is offered.
import { addSection, Step, type Section } from './context-step.js';
import { checkOptions } from './options.js';

export { Step } from './context-step.js';

const MAX_CONTEXTS = 50;
const MAX_STEPS = 100;

export class Context {
  private readonly steps = new Map<string, Step>();
  private text: string | undefined;
  private readonly sections: Section[] = [];
  private isolated = false;

  constructor(readonly name: string) {}

  /** Adds a step; `task` and `bullets` become its "Task" and "Process" sections, as in the SDKs. */
  addStep(
    name: string,
    options: {
      task?: string;
      bullets?: string[];
      criteria?: string;
      functions?: string[];
      validSteps?: string[];
    } = {},
  ): Step {
    checkOptions(options, 'addStep', { known: ['task', 'bullets', 'criteria', 'functions', 'validSteps'] });
    if (this.steps.has(name)) throw new Error(`step ${name} already exists in context ${this.name}`);
    if (this.steps.size >= MAX_STEPS) throw new Error(`context ${this.name}: at most ${MAX_STEPS} steps`);
    const step = new Step(name);
    if (options.bullets && options.task === undefined)
      throw new TypeError(`step ${name}: bullets need a task`);
    if (options.task !== undefined) step.addSection('Task', options.task);
    if (options.bullets) step.addBullets('Process', options.bullets);
    if (options.criteria !== undefined) step.setStepCriteria(options.criteria);
    if (options.functions) step.setFunctions(options.functions);
    if (options.validSteps) step.setValidSteps(options.validSteps);
    this.steps.set(name, step);
    return step;
  }
  getStep(name: string): Step | undefined {
    return this.steps.get(name);
  }
  /** The context's own prompt, sent as `text`. */
  setPrompt(text: string): this {
    if (this.sections.length > 0)
      throw new Error(`context ${this.name}: use either text or sections, not both`);
    this.text = text;
    return this;
  }
  addSection(title: string, body: string): this {
    addSection(this.sections, this.text, { title, body }, `context ${this.name}`);
    return this;
  }
  addBullets(title: string, bullets: string[]): this {
    addSection(this.sections, this.text, { title, bullets: [...bullets] }, `context ${this.name}`);
    return this;
  }
  /** Entering this context wipes the conversation history. */
  setIsolated(isolated: boolean): this {
    this.isolated = isolated;
    return this;
  }
  /** @internal */
  stepList(): Step[] {
    return [...this.steps.values()];
  }
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { steps: this.stepList().map((s) => s.toJSON()) };
    if (this.isolated) out.isolated = true;
    if (this.text !== undefined) out.text = this.text;
    if (this.sections.length > 0) out.pom = this.sections;
    return out;
  }
}

/** Names SignalWire injects as tools when contexts are used. */
export const NAVIGATION_TOOLS = ['next_step', 'change_context', 'gather_submit'];

export class ContextBuilder {
  private readonly contexts = new Map<string, Context>();

  addContext(name: string): Context {
    if (!name) throw new TypeError('contexts need a name');
    if (this.contexts.has(name)) throw new Error(`context ${name} already exists`);
    if (this.contexts.size >= MAX_CONTEXTS) throw new Error(`at most ${MAX_CONTEXTS} contexts`);
    const context = new Context(name);
    this.contexts.set(name, context);
    return context;
  }
  getContext(name: string): Context | undefined {
    return this.contexts.get(name);
  }

  /** Checks every reference before the app starts; `functions` are the agent's tool names. */
  validate(functions: ReadonlySet<string>): void {
    if (!this.contexts.has('default'))
      throw new Error('contexts: a context named "default" is required (the conversation starts there)');
    for (const name of NAVIGATION_TOOLS) {
      if (functions.has(name))
        throw new Error(`contexts: tool ${name} collides with SignalWire's navigation tool of that name`);
    }
    for (const context of this.contexts.values()) {
      const steps = context.stepList();
      if (steps.length === 0) throw new Error(`contexts: context ${context.name} has no steps`);
      for (const step of steps) {
        const where = `contexts: step ${step.name} in context ${context.name}`;
        const refs = step.refs();
        for (const s of refs.steps)
          if (s !== 'next' && !context.getStep(s)) throw new Error(`${where} references unknown step ${s}`);
        for (const c of refs.contexts)
          if (!this.contexts.has(c)) throw new Error(`${where} references unknown context ${c}`);
        for (const f of refs.functions)
          if (!functions.has(f)) throw new Error(`${where} allows unknown function ${f}`);
        step.toJSON();
      }
    }
  }
  toJSON(): Record<string, Record<string, unknown>> {
    return Object.fromEntries([...this.contexts].map(([name, context]) => [name, context.toJSON()]));
  }
}
