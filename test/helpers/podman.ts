// Podman for test:kube: builds the agent image from deploy/Dockerfile with no registry (a Debian base made
// with debootstrap, the host's node and npm on top: the way deploy/scripts/ci-compose.sh does it for Docker)
// and runs podman with the settings this kind of machine needs.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './agent-process.js';
import { requireBinary } from './binaries.js';

const CACHE = process.env.SWML_CI_CACHE || '/var/cache/swml-guard-ci';
export const AGENT_IMAGE = 'localhost/swml-guard-agent:kube-test';
const BASE_IMAGE = 'localhost/local/bookworm:ci';
const NODE_IMAGE = 'localhost/local/node20:ci';

/**
 * containers.conf for every podman call: the ulimits podman needs on these machines, and runc (crun 1.8
 * refuses hosts with hybrid cgroups: "cgroups in hybrid mode not supported").
 */
export function podmanEnv(dir: string): NodeJS.ProcessEnv {
  const conf = join(dir, 'containers.conf');
  writeFileSync(
    conf,
    '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\nruntime = "runc"\n',
  );
  return { ...process.env, CONTAINERS_CONF: conf };
}

export function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): SpawnSyncReturns<string> & { text: string } {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return Object.assign(r, { text: `${r.stdout}${r.stderr}` });
}

function must(what: string, r: SpawnSyncReturns<string> & { text: string }): string {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${String(r.status)}):\n${r.text.slice(-3000)}`);
  return r.stdout;
}

/** local Debian base -> Node 20 base -> the agent image; layers are cached between runs. */
export function buildAgentImage(env: NodeJS.ProcessEnv): void {
  const podman = requireBinary('podman');
  requireBinary('runc');
  requireBinary('catatonit');
  const work = mkdtempSync(join(tmpdir(), 'swml-kube-image-'));
  try {
    if (run(podman, ['image', 'exists', BASE_IMAGE], env).status !== 0) {
      const tarball = join(CACHE, 'bookworm-minbase.tar');
      if (!existsSync(tarball)) {
        const debootstrap = requireBinary('debootstrap');
        mkdirSync(CACHE, { recursive: true });
        const rootfs = join(work, 'rootfs');
        must(
          'debootstrap',
          run(debootstrap, ['--variant=minbase', 'bookworm', rootfs, 'http://deb.debian.org/debian'], env),
        );
        must('tar', run('tar', ['-C', rootfs, '-cf', `${tarball}.tmp`, '.'], env));
        must('mv', run('mv', [`${tarball}.tmp`, tarball], env));
      }
      must('podman import', run(podman, ['import', tarball, BASE_IMAGE], env));
    }
    // Node >= 20 is not in bookworm: the host's node and npm, with the host's CA bundle (npm ci goes
    // through a TLS-inspecting proxy on these machines), as deploy/ci/node.Dockerfile expects.
    const ctx = join(work, 'node-ctx');
    mkdirSync(ctx);
    copyFileSync(realpathSync(process.execPath), join(ctx, 'node'));
    const npmCli = realpathSync(must('which npm', run('sh', ['-c', 'command -v npm'], env)).trim());
    cpSync(dirname(dirname(npmCli)), join(ctx, 'npm'), { recursive: true });
    copyFileSync('/etc/ssl/certs/ca-certificates.crt', join(ctx, 'ca-certificates.crt'));
    const nodeFile = join(ROOT, 'deploy', 'ci', 'node.Dockerfile');
    must(
      'podman build (node base)',
      run(
        podman,
        ['build', '-q', '-t', NODE_IMAGE, '--build-arg', `BASE=${BASE_IMAGE}`, '-f', nodeFile, ctx],
        env,
      ),
    );
    const dockerfile = join(ROOT, 'deploy', 'Dockerfile');
    must(
      'podman build (agent, deploy/Dockerfile)',
      run(
        podman,
        ['build', '-q', '-t', AGENT_IMAGE, '--build-arg', `NODE_IMAGE=${NODE_IMAGE}`, '-f', dockerfile, ROOT],
        env,
      ),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
