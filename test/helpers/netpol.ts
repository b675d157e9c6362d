// A small evaluator of Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), for asking the rendered
// policies "may this peer reach that pod on that port?" the way a CNI would answer. Covers what the kit
// uses: pod/namespace selectors with matchLabels, ipBlock (IPv4, with except), named and numeric ports.
import { selects, type KubeObject } from './kube.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests */
export interface Pod {
  namespace: string;
  labels: Record<string, string>;
  /** Container ports by name (for policies that name a port). */
  ports?: Record<string, number>;
}
/** The other side of a connection: a pod, or an address outside the cluster. */
export type Peer = Pod | { ip: string };
export interface Port {
  port: number;
  name?: string;
  protocol?: 'TCP' | 'UDP';
}

function ipv4(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base!) / size);
}

function peerMatches(rulePeer: any, peer: Peer, policyNamespace: string): boolean {
  if ('ip' in peer) {
    const block = rulePeer.ipBlock;
    return (
      !!block && inCidr(peer.ip, block.cidr) && !(block.except ?? []).some((c: string) => inCidr(peer.ip, c))
    );
  }
  if (rulePeer.ipBlock) return false; // pod traffic is matched by selectors (pod IPs vary)
  const nsLabels = { 'kubernetes.io/metadata.name': peer.namespace };
  const nsOk = rulePeer.namespaceSelector
    ? selects(rulePeer.namespaceSelector, nsLabels)
    : peer.namespace === policyNamespace;
  const podOk = rulePeer.podSelector ? selects(rulePeer.podSelector, peer.labels) : true;
  return nsOk && podOk;
}

/** A rule with no (or an empty) `from`/`to` list matches every peer. */
function anyPeer(peers: any[] | undefined, match: (peer: any) => boolean): boolean {
  return !peers || peers.length === 0 || peers.some(match);
}

function portMatches(rulePorts: any[] | undefined, port: Port, target?: Pod): boolean {
  if (!rulePorts || rulePorts.length === 0) return true;
  return rulePorts.some((p) => {
    if ((p.protocol ?? 'TCP') !== (port.protocol ?? 'TCP')) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') return target?.ports?.[p.port] === port.port;
    return p.endPort === undefined ? p.port === port.port : port.port >= p.port && port.port <= p.endPort;
  });
}

function policiesFor(policies: KubeObject[], pod: Pod, type: 'Ingress' | 'Egress'): KubeObject[] {
  return policies.filter(
    (p) =>
      p.metadata.namespace === pod.namespace &&
      selects(p.spec.podSelector, pod.labels) &&
      (p.spec.policyTypes ?? ['Ingress']).includes(type),
  );
}

/** Whether any policy selects the pod for that direction (an unselected pod is open). */
export function isolated(policies: KubeObject[], pod: Pod, type: 'Ingress' | 'Egress'): boolean {
  return policiesFor(policies, pod, type).length > 0;
}

/** May `from` open a connection to `to` on `port`? Both directions must allow it. */
export function allowed(policies: KubeObject[], from: Peer, to: Peer, port: Port): boolean {
  const egressOk =
    'ip' in from ||
    !isolated(policies, from, 'Egress') ||
    policiesFor(policies, from, 'Egress').some((p) =>
      (p.spec.egress ?? []).some(
        (r: any) =>
          anyPeer(r.to, (peer) => peerMatches(peer, to, p.metadata.namespace!)) &&
          portMatches(r.ports, port, 'ip' in to ? undefined : to),
      ),
    );
  const ingressOk =
    'ip' in to ||
    !isolated(policies, to, 'Ingress') ||
    policiesFor(policies, to, 'Ingress').some((p) =>
      (p.spec.ingress ?? []).some(
        (r: any) =>
          anyPeer(r.from, (peer) => peerMatches(peer, from, p.metadata.namespace!)) &&
          portMatches(r.ports, port, to),
      ),
    );
  return egressOk && ingressOk;
}
