#!/bin/sh
# Writes the .env of the docker compose stack from deploy/env.template, with fresh random secrets and the
# alert receivers. Refuses to overwrite an existing file (secrets in use would be lost and every call break).
#
# usage: deploy/init.sh [--domain agent.example.com] [--file path/to/.env] [alert receivers] [--ask]
#   --domain          public host name SignalWire will call (default: $SWML_DOMAIN, else localhost)
#   --file            where to write (default: .env next to docker-compose.yml)
#   --alert-critical  KIND:VALUE, where critical alerts go (repeatable): pagerduty:<integration key>,
#                     slack:<webhook URL>, email:<address[,address]>, webhook:<URL>
#   --alert-warning   KIND:VALUE, where warnings go (repeatable; same kinds)
#   --alert-heartbeat URL of a dead man's switch (healthchecks.io style), pinged every minute
#   --smtp-smarthost  HOST:PORT, --smtp-from ADDRESS, --smtp-username USER: SMTP for email receivers
#                     (the password: ALERT_SMTP_PASSWORD in the environment, or asked with --ask)
#   --ask             ask for the receivers (default when stdin is a terminal and no --alert-* is given)
# ALERT_* variables already in the environment are used too. Alertmanager refuses to start until critical
# and warning alerts each have a receiver: without one, this still writes .env and says what to add.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
template="$here/env.template"
entrypoint="$here/alertmanager/entrypoint.sh"
file="$here/../.env"
domain="${SWML_DOMAIN:-localhost}"
ask=''
given=''

usage_error() { echo "init.sh: $* (see --help)" >&2; exit 2; }

# --alert-critical / --alert-warning KIND:VALUE -> ALERT_<SEVERITY>_<KIND VARIABLE>
receiver() {
  case "$2" in
    pagerduty:?*) suffix=PAGERDUTY_ROUTING_KEY ;;
    slack:?*) suffix=SLACK_WEBHOOK_URL ;;
    email:?*) suffix=EMAIL_TO ;;
    webhook:?*) suffix=WEBHOOK_URL ;;
    *) usage_error "--alert-$1 takes pagerduty:KEY, slack:URL, email:ADDRESS or webhook:URL" ;;
  esac
  name="ALERT_$(printf '%s' "$1" | tr 'a-z' 'A-Z')_$suffix"
  eval "$name=\${2#*:}"
  export "${name?}"
  given=1
}
setting() { eval "$1=\$2"; export "${1?}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --domain) domain="${2:?--domain needs a value}"; shift 2 ;;
    --domain=*) domain="${1#--domain=}"; shift ;;
    --file) file="${2:?--file needs a value}"; shift 2 ;;
    --file=*) file="${1#--file=}"; shift ;;
    --alert-critical | --alert-warning) receiver "${1#--alert-}" "${2:?$1 needs KIND:VALUE}"; shift 2 ;;
    --alert-critical=* | --alert-warning=*) v=${1#--alert-}; receiver "${v%%=*}" "${v#*=}"; shift ;;
    --alert-heartbeat) setting ALERT_HEARTBEAT_URL "${2:?--alert-heartbeat needs a URL}"; given=1; shift 2 ;;
    --smtp-smarthost) setting ALERT_SMTP_SMARTHOST "${2:?--smtp-smarthost needs HOST:PORT}"; shift 2 ;;
    --smtp-from) setting ALERT_SMTP_FROM "${2:?--smtp-from needs an address}"; shift 2 ;;
    --smtp-username) setting ALERT_SMTP_USERNAME "${2:?--smtp-username needs a value}"; shift 2 ;;
    --ask) ask=1; shift ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
if [ -z "$ask" ] && [ -z "$given" ] && [ -t 0 ]; then ask=1; fi

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

prompt() { printf '%s' "$1" >&2; IFS= read -r answer || answer=''; }
ask_receiver() { # SEVERITY, what it is for
  while :; do
    prompt "$2 [pagerduty/slack/email/webhook, empty: later]: "
    kind=$answer
    case "$kind" in
      '') return 0 ;;
      pagerduty) prompt '  PagerDuty Events API v2 integration key: ' ;;
      slack) prompt '  Slack incoming webhook URL: ' ;;
      email) prompt '  e-mail address(es), comma-separated: ' ;;
      webhook) prompt '  webhook URL: ' ;;
      *) echo '  one of pagerduty, slack, email, webhook, or empty' >&2 && continue ;;
    esac
    [ -z "$answer" ] || receiver "$1" "$kind:$answer"
    [ "$kind" != email ] || [ -n "${ALERT_SMTP_SMARTHOST:-}" ] || {
      prompt '  SMTP server host:port: ' && setting ALERT_SMTP_SMARTHOST "$answer"
      prompt '  sender address: ' && setting ALERT_SMTP_FROM "$answer"
      prompt '  SMTP user name (empty: no login): ' && setting ALERT_SMTP_USERNAME "$answer"
      if [ -n "$answer" ]; then
        stty -echo 2>/dev/null || true
        prompt '  SMTP password: '
        stty echo 2>/dev/null || true
        echo >&2
        setting ALERT_SMTP_PASSWORD "$answer"
      fi
    }
    return 0
  done
}
if [ -n "$ask" ]; then
  echo "Where should alerts go? Alertmanager starts once both severities have a receiver." >&2
  ask_receiver critical 'Critical alerts (they page someone)'
  ask_receiver warning 'Warnings (a team channel)'
  prompt "Dead man's switch ping URL (healthchecks.io or similar, empty: none): "
  [ -z "$answer" ] || setting ALERT_HEARTBEAT_URL "$answer"
fi

# The same checks Alertmanager's entrypoint runs at start: refuse a bad value now, before writing anything.
if ! check=$(sh "$entrypoint" --check 2>&1); then
  case "$check" in
    *'no alert receiver is configured'* | *'no receiver for '*) receivers_missing=$check ;;
    *) echo "init.sh: ${check#alertmanager: }" >&2; exit 2 ;;
  esac
fi
case "${ALERT_SMTP_PASSWORD:-}" in
  *"'"*) echo "init.sh: ALERT_SMTP_PASSWORD must not contain a single quote (it is written single-quoted)" >&2; exit 2 ;;
esac

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
trap 'rm -f "$tmp" "$tmp.next"' EXIT

sed -e '/^#!/d' -e "s/__SWML_DOMAIN__/$domain/g" "$template" >"$tmp"
for name in $(grep -v '^#!' "$template" | grep -o '__SECRET_[A-Z0-9_]*__' | sort -u); do
  value=$(random_secret)
  [ ${#value} -ge 64 ] || { echo "init.sh: could not generate a random secret" >&2; exit 1; }
  sed "s/$name/$value/g" "$tmp" >"$tmp.next" && mv "$tmp.next" "$tmp"
done
# Receivers: replace the empty `NAME=` line (awk reads the value from the environment: no escaping issues).
for name in $(grep -o '^ALERT_[A-Z_]*=' "$template" | tr -d =); do
  eval "value=\${$name:-}"
  [ -n "$value" ] || continue
  [ "$name" != ALERT_SMTP_PASSWORD ] || value="'$value'"
  NAME=$name VALUE=$value awk 'BEGIN { n = ENVIRON["NAME"] "=" } index($0, n) == 1 { print n ENVIRON["VALUE"]; next } { print }' \
    "$tmp" >"$tmp.next" && mv "$tmp.next" "$tmp"
done

# ln fails if the file appeared meanwhile: never overwrite, even in a race.
if ! ln "$tmp" "$file" 2>/dev/null; then
  echo "init.sh: $file already exists; not overwriting it." >&2
  exit 1
fi
echo "Wrote $file (mode 600) with new secrets for SWML_DOMAIN=$domain."
if [ -n "${receivers_missing:-}" ]; then
  echo "Alerts: not configured yet. Alertmanager will refuse to start until you set them in $file:"
  echo "  ${receivers_missing#alertmanager: }"
else
  echo "Alerts: ${check#alert receivers OK: }"
fi
echo "Next: docker compose up -d   (then: swml-guard alert-test, to check alerts reach you)"
echo "Then point your SignalWire number at: https://<SWML_BASIC_AUTH_USER>:<SWML_BASIC_AUTH_PASSWORD>@$domain/"
