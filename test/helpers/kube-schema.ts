// Schema checks for rendered Kubernetes objects, from the pinned kubernetes-models packages (no cluster):
// each object's JSON-schema validator, and a TypeScript excess-property check against the same models'
// types, which catches a misspelled field (e.g. readOnlyRootFileSystem) that the JSON schemas let through.
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './agent-process.js';
import type { KubeObject } from './kube.js';

/** The kubernetes-models module of an apiVersion + kind, e.g. kubernetes-models/apps/v1/Deployment. */
export function modelModule(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): string {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  if (group === 'monitoring.coreos.com') {
    return `@kubernetes-models/prometheus-operator/${group}/${version}/${obj.kind}`;
  }
  return group
    ? `kubernetes-models/${group}/${version}/${obj.kind}`
    : `kubernetes-models/${version}/${obj.kind}`;
}

type Model = new (data: unknown) => { validate(): void };

/** Validates against the object's JSON schema; returns the problems (empty when valid). */
export async function schemaErrors(obj: KubeObject): Promise<string[]> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(modelModule(obj))) as Record<string, unknown>;
  } catch {
    return [`no schema for ${obj.apiVersion} ${obj.kind} (module ${modelModule(obj)})`];
  }
  const ModelClass = mod[obj.kind] as Model | undefined;
  if (!ModelClass) return [`${modelModule(obj)} exports no ${obj.kind}`];
  try {
    new ModelClass(obj).validate();
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}

/**
 * Type-checks every object as a literal of its model's interface (`const o: IDeployment = {...}`):
 * TypeScript reports properties the interface does not have. Returns the diagnostics, one per line.
 */
export function unknownFieldErrors(objects: KubeObject[]): string[] {
  const file = join(ROOT, '.tmp', 'kube-excess-property-check.ts');
  const lines = objects.map((o, i) => {
    const iface = `I${o.kind}`;
    return `import type { ${iface} as T${i} } from '${modelModule(o)}';\nexport const o${i}: T${i} = ${JSON.stringify(o)};`;
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError) =>
    name === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, onError);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file && d.start !== undefined && d.file.fileName === file) {
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      const obj = objects[Math.floor(line / 2)];
      return `${obj?.kind ?? '?'} ${obj?.metadata.name ?? '?'}: ${text}`;
    }
    return text;
  });
}
