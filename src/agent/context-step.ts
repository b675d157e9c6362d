// One step of a context: its instructions (text, or sections sent as markdown), criteria and allowed functions.
import { checkList } from './options.js';

export type Section = { title: string; body: string } | { title: string; bullets: string[] };

/** Sections become markdown text, as SignalWire's SDKs send a step's sections. */
function markdown(sections: readonly Section[]): string {
  const parts: string[] = [];
  for (const s of sections) {
    parts.push(`## ${s.title}`);
    if ('bullets' in s) parts.push(...s.bullets.map((b) => `- ${b}`));
    else parts.push(s.body);
    parts.push('');
  }
  return parts.join('\n').trim();
}

export function addSection(
  sections: Section[],
  text: string | undefined,
  section: Section,
  owner: string,
): void {
  if (text !== undefined) throw new Error(`${owner}: use either text or sections, not both`);
  if (!section.title) throw new TypeError(`${owner}: a section needs a title`);
  sections.push(section);
}

export class Step {
  private text: string | undefined;
  private readonly sections: Section[] = [];
  /** Wire fields besides name and text, in the order they were set. */
  private readonly fields = new Map<string, unknown>();

  constructor(readonly name: string) {
    if (!name || name === 'next')
      throw new TypeError(`step names must be non-empty and not "next"; got ${JSON.stringify(name)}`);
  }
  setText(text: string): this {
    if (this.sections.length > 0) throw new Error(`step ${this.name}: use either text or sections, not both`);
    this.text = text;
    return this;
  }
  addSection(title: string, body: string): this {
    addSection(this.sections, this.text, { title, body }, `step ${this.name}`);
    return this;
  }
  addBullets(title: string, bullets: string[]): this {
    addSection(
      this.sections,
      this.text,
      { title, bullets: checkList(bullets, `step ${this.name} bullets`) },
      `step ${this.name}`,
    );
    return this;
  }
  /** What must be true before the AI moves on. */
  setStepCriteria(criteria: string): this {
    return this.set('step_criteria', criteria);
  }
  /** The functions callable in this step; `[]` allows none. Without it a step keeps the previous step's set. */
  setFunctions(functions: string[]): this {
    return this.set('functions', checkList(functions, `step ${this.name} functions`));
  }
  /** Steps the AI may move to from here; "next" means the following step. */
  setValidSteps(steps: string[]): this {
    return this.set('valid_steps', checkList(steps, `step ${this.name} valid steps`));
  }
  setValidContexts(contexts: string[]): this {
    return this.set('valid_contexts', checkList(contexts, `step ${this.name} valid contexts`));
  }
  /** Leaves step mode after this step (it does not hang up). */
  setEnd(end: boolean): this {
    return this.set('end', end || undefined);
  }
  setSkipUserTurn(skip: boolean): this {
    return this.set('skip_user_turn', skip || undefined);
  }
  private set(key: string, value: unknown): this {
    if (value === undefined) this.fields.delete(key);
    else this.fields.set(key, value);
    return this;
  }
  /** @internal references the builder checks */
  refs(): { steps: string[]; contexts: string[]; functions: string[] } {
    const list = (key: string) => (this.fields.get(key) as string[] | undefined) ?? [];
    return { steps: list('valid_steps'), contexts: list('valid_contexts'), functions: list('functions') };
  }
  toJSON(): Record<string, unknown> {
    const text = this.text ?? (this.sections.length > 0 ? markdown(this.sections) : undefined);
    if (!text) throw new Error(`step ${this.name} has no text: call setText() or addSection()`);
    return { name: this.name, text, ...Object.fromEntries(this.fields) };
  }
}
