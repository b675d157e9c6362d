#!/usr/bin/env bash
# Installs a current Caddy (2.11 or newer) binary from Debian's archive, next to (never instead of) the
# distribution's own caddy package, and prints its path.
#
# Why: Debian 12 ships Caddy 2.6.2, which the suites keep using to check that caddy/Caddyfile still loads on
# an old release. But 2.6.2 cannot hold a POST while the agent restarts (two proxy bugs fixed in 2.7.5 and
# 2.11.2: "no upstreams available" is not retried for POST, and a retried body is already closed), so the
# restart-under-traffic test and the CI image of the compose suite run the current release, as production
# does (docker-compose.yml pins caddy:2.11.x). The binary comes from Debian's unstable or trixie-backports
# suite through a side apt source list (nothing is added to the system's sources); it only needs libc.
#
#   deploy/scripts/current-caddy.sh [DEST_DIR]     (default /opt/swml-guard/caddy-current; run as root)
#
# Idempotent: an existing binary of a current version is kept.
set -euo pipefail

DEST=${1:-${SWML_CADDY_CURRENT_DIR:-/opt/swml-guard/caddy-current}}
BIN="$DEST/caddy"

current() { # a Caddy of version 2.11 or newer answers `version`
  local v
  v=$("$1" version 2>/dev/null | sed -n '1s/^v\{0,1\}\([0-9][0-9.]*\).*/\1/p')
  [ -n "$v" ] && printf '%s\n2.11\n' "$v" | sort -V -C -r
}

if [ -x "$BIN" ] && current "$BIN"; then
  echo "$BIN"
  exit 0
fi

work=$(mktemp -d /tmp/swml-caddy.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/parts" "$work/deb"
printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: sid trixie-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
  >"$work/parts/current.sources"
# Signatures are checked as usual; the Release files' dates are not, as on these machines' own apt setup: the
# archive mirror they reach may serve an unstable snapshot past its one-week Valid-Until.
opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$work/parts" -o "Dir::State::Lists=$work/lists"
  -o APT::Sandbox::User=root -o Acquire::Check-Valid-Until=false -o Acquire::Check-Date=false)
apt-get -qq "${opts[@]}" update >/dev/null
(cd "$work/deb" && apt-get -qq "${opts[@]}" download caddy >/dev/null)
dpkg-deb -x "$work"/deb/caddy_*.deb "$work/x"
current "$work/x/usr/bin/caddy" || {
  echo "current-caddy.sh: Debian's archive offers $("$work/x/usr/bin/caddy" version | head -n 1), not 2.11+" >&2
  exit 1
}
mkdir -p "$DEST"
install -m 0755 "$work/x/usr/bin/caddy" "$BIN.tmp"
mv "$BIN.tmp" "$BIN"
echo "$BIN"
