#!/usr/bin/env bash
# Prints the path of a kubectl whose built-in kustomize is v5 or later: the Kubernetes tests render
# deploy/kubernetes with `kubectl kustomize` (offline, no cluster). In order:
#   1. $KUBECTL, then `kubectl` on PATH, then a cached copy, when its kustomize is v5+;
#   2. otherwise Debian 13 (trixie)'s kubectl package (1.32, kustomize v5), fetched with apt from a
#      side source list and unpacked into the cache, never installed: installing it would conflict with
#      a kubectl package already there, and Debian 12's own kubernetes-client is 1.20, whose kustomize
#      (v2) knows neither components nor replacements.
# Env: SWML_CI_CACHE (default /var/cache/swml-guard-ci). Needs root for apt only in case 2.
set -euo pipefail
CACHE=${SWML_CI_CACHE:-/var/cache/swml-guard-ci}

kustomize_major() {
  "$1" version --client -o json 2>/dev/null | sed -n 's/.*"kustomizeVersion": *"v\([0-9]*\)\..*/\1/p'
}
usable() {
  local v
  [ -n "$1" ] && [ -x "$1" ] || return 1
  v=$(kustomize_major "$1")
  [ -n "$v" ] && [ "$v" -ge 5 ]
}

for candidate in "${KUBECTL:-}" "$(command -v kubectl || true)" "$CACHE/kubectl"; do
  if usable "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$CACHE" "$work/lists/partial" "$work/parts" "$work/deb"
printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
  >"$work/parts/trixie.sources"
opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$work/parts" -o "Dir::State::Lists=$work/lists"
  -o APT::Sandbox::User=root)
echo "ensure-kubectl: fetching kubectl from Debian trixie into $CACHE" >&2
apt-get -qq "${opts[@]}" update >&2
(cd "$work/deb" && apt-get -qq "${opts[@]}" download kubectl/trixie >&2)
dpkg-deb -x "$work"/deb/kubectl_*.deb "$work/x"
cp "$work/x/usr/bin/kubectl" "$CACHE/kubectl.tmp" && mv "$CACHE/kubectl.tmp" "$CACHE/kubectl"
usable "$CACHE/kubectl" || { echo "ensure-kubectl: the fetched kubectl has no kustomize v5" >&2; exit 1; }
echo "$CACHE/kubectl"
