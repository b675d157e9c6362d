#!/bin/sh
# Starts Alertmanager with the webhook URL taken from $ALERTMANAGER_WEBHOOK_URL (the env file).
# Alertmanager 0.25 reads neither environment variables nor a webhook URL file, so this renders a copy
# of the config with the placeholder URL replaced, then execs Alertmanager on the copy. Runs with the
# busybox sh and awk of the prom/alertmanager image; extra arguments go to Alertmanager.
#   ALERTMANAGER_WEBHOOK_URL  required: http(s) URL that receives alert notifications (a secret)
#   ALERTMANAGER_TEMPLATE     config to render (default /etc/alertmanager/alertmanager.yml)
#   ALERTMANAGER_CONFIG       where to write it (default /tmp/alertmanager.yml: mount a tmpfs on /tmp)
#   ALERTMANAGER_BIN          binary to exec (default alertmanager; Debian's is prometheus-alertmanager)
set -eu

placeholder='http://alertmanager-webhook.invalid/swml-guard'
template="${ALERTMANAGER_TEMPLATE:-/etc/alertmanager/alertmanager.yml}"
config="${ALERTMANAGER_CONFIG:-/tmp/alertmanager.yml}"

url="${ALERTMANAGER_WEBHOOK_URL:-}"
case "$url" in
  http://* | https://*) ;;
  '')
    echo "ALERTMANAGER_WEBHOOK_URL is not set: put the URL that should receive alerts in .env" >&2
    exit 78
    ;;
  *)
    echo "ALERTMANAGER_WEBHOOK_URL must start with http:// or https://" >&2
    exit 78
    ;;
esac
# The URL goes inside a single-quoted YAML string: a quote or a line break in it would break out.
case "$url" in
  *"'"* | *'
'*)
    echo "ALERTMANAGER_WEBHOOK_URL must not contain quotes or line breaks (percent-encode them)" >&2
    exit 78
    ;;
esac

umask 077
# index/substr instead of gsub: the URL may hold characters (&, \) that gsub would interpret.
ALERTMANAGER_WEBHOOK_URL="$url" awk -v p="$placeholder" '
  BEGIN { u = ENVIRON["ALERTMANAGER_WEBHOOK_URL"]; n = 0 }
  { out = ""; rest = $0
    # Scan left to right and never rescan what was inserted (a URL containing the placeholder must not loop).
    while ((i = index(rest, p)) > 0) { out = out substr(rest, 1, i - 1) u; rest = substr(rest, i + length(p)); n++ }
    print out rest }
  END { if (n == 0) { print "placeholder webhook URL not found in template" > "/dev/stderr"; exit 78 } }
' "$template" >"$config"

exec "${ALERTMANAGER_BIN:-alertmanager}" --config.file="$config" "$@"
