// `npx tsx bench/profile.ts <scenario> [seconds]`: one scenario under `node --cpu-prof`, then the top self-time.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { buildServer, measure, ROOT } from './harness.js';
import { cores, pinSelf } from './lib.js';
import { SCENARIOS } from './scenarios.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const id = process.argv[2] ?? 'swaig-secure';
const scenario = SCENARIOS.find((s) => s.id === id);
if (!scenario) throw new Error(`unknown scenario ${id}; one of ${SCENARIOS.map((s) => s.id).join(', ')}`);
const dir = `${ROOT}.tmp/profiles/${id}`;
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const pin = cores();
if (pin) pinSelf(pin.client);
const record = await measure(scenario, {
  script: buildServer(),
  core: pin?.server,
  logTo: '/dev/null',
  connections: 32,
  warmupS: 2,
  durationS: Number(process.argv[3] ?? 10),
  nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir],
});
console.log(`${id}: ${record.rps.toFixed(0)} req/s, ${record.cpuUsPerReq.toFixed(0)} us CPU/req (profiled)`);

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error('no profile written');
const profile = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
for (const sample of profile.samples) {
  const f = byId.get(sample)?.callFrame;
  if (!f) continue;
  const where = f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\.tmp\/bench-build\//, '');
  const key = `${f.functionName || '(anonymous)'}  ${where}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + 1);
}
const total = profile.samples.length;
const byPackage = new Map<string, number>();
for (const [key, n] of self) {
  const where = key.split('  ')[1] ?? '';
  const pkg =
    where.startsWith('src/') || where.startsWith('bench/') ? where.split(':')[0]! : where.split('/')[0]!;
  byPackage.set(pkg || '(native)', (byPackage.get(pkg || '(native)') ?? 0) + n);
}
console.log('self time by package or file:');
for (const [pkg, n] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${((100 * n) / total).toFixed(1).padStart(5)}%  ${pkg}`);
}
console.log(`top self time of ${total} samples (${dir}/${file}):`);
for (const [key, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
  console.log(`${((100 * n) / total).toFixed(1).padStart(5)}%  ${key}`);
}
