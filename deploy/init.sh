#!/bin/sh
# Writes the .env of the docker compose stack from deploy/env.template, with fresh random secrets.
# Refuses to overwrite an existing file (secrets in use would be lost and every call would break).
#
# usage: deploy/init.sh [--domain agent.example.com] [--file path/to/.env]
#   --domain   public host name SignalWire will call (default: $SWML_DOMAIN, else localhost)
#   --file     where to write (default: .env next to docker-compose.yml)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
template="$here/env.template"
file="$here/../.env"
domain="${SWML_DOMAIN:-localhost}"

while [ $# -gt 0 ]; do
  case "$1" in
    --domain) domain="${2:?--domain needs a value}"; shift 2 ;;
    --domain=*) domain="${1#--domain=}"; shift ;;
    --file) file="${2:?--file needs a value}"; shift 2 ;;
    --file=*) file="${1#--file=}"; shift ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "init.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

# A host name with an optional port, nothing else: the value lands in .env, the Caddyfile and URLs.
if ! printf '%s' "$domain" | grep -Eq '^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?$'; then
  echo "init.sh: invalid domain: $domain (expected a host name such as agent.example.com)" >&2
  exit 2
fi
if [ -e "$file" ]; then
  echo "init.sh: $file already exists; not overwriting it (its secrets may be in use)." >&2
  echo "To start over, move it away first. To rotate one secret, see docs/deployment.md." >&2
  exit 1
fi

random_secret() {
  if command -v openssl >/dev/null 2>&1; then
    openssl rand -hex 32
  else
    od -An -N32 -tx1 /dev/urandom | tr -d ' \n'
  fi
}

umask 077
dir=$(dirname "$file")
tmp=$(mktemp "$dir/.env.XXXXXX")
trap 'rm -f "$tmp"' EXIT

sed -e '/^#!/d' -e "s/__SWML_DOMAIN__/$domain/g" "$template" >"$tmp"
for name in $(grep -v '^#!' "$template" | grep -o '__SECRET_[A-Z0-9_]*__' | sort -u); do
  value=$(random_secret)
  [ ${#value} -ge 64 ] || { echo "init.sh: could not generate a random secret" >&2; exit 1; }
  sed "s/$name/$value/g" "$tmp" >"$tmp.next" && mv "$tmp.next" "$tmp"
done

# ln fails if the file appeared meanwhile: never overwrite, even in a race.
if ! ln "$tmp" "$file" 2>/dev/null; then
  echo "init.sh: $file already exists; not overwriting it." >&2
  exit 1
fi
echo "Wrote $file (mode 600) with new secrets for SWML_DOMAIN=$domain."
echo "Next: docker compose up -d"
echo "Then point your SignalWire number at: https://<SWML_BASIC_AUTH_USER>:<SWML_BASIC_AUTH_PASSWORD>@$domain/"
