#!/bin/sh
# Renders Alertmanager's configuration from the ALERT_* variables of .env, then execs Alertmanager on it.
# Alertmanager reads no environment variables and the receivers' URLs and keys are secrets, so this appends
# `templates:` and `receivers:` (critical, warning, heartbeat) to a copy of alertmanager.yml. It refuses to
# start (exit 78, one line naming the variable, never its value) until critical and warning alerts each have
# a real receiver. Runs with the busybox sh of the prom/alertmanager image; extra arguments go to Alertmanager.
#
#   ALERT_{CRITICAL,WARNING}_PAGERDUTY_ROUTING_KEY   PagerDuty Events API v2 integration key (32 characters)
#   ALERT_{CRITICAL,WARNING}_SLACK_WEBHOOK_URL       Slack incoming webhook (https://hooks.slack.com/services/...)
#   ALERT_{CRITICAL,WARNING}_EMAIL_TO                e-mail address(es), comma-separated (needs ALERT_SMTP_*)
#   ALERT_{CRITICAL,WARNING}_WEBHOOK_URL             any http(s) endpoint taking Alertmanager's webhook JSON
#   ALERT_SMTP_SMARTHOST, ALERT_SMTP_FROM            SMTP server host:port and sender, for e-mail
#   ALERT_SMTP_USERNAME, ALERT_SMTP_PASSWORD         SMTP login (both or neither)
#   ALERT_SMTP_REQUIRE_TLS                           true (default: STARTTLS required) or false
#   ALERT_HEARTBEAT_URL                              dead man's switch ping URL (healthchecks.io style); optional
#   ALERTMANAGER_TEMPLATE  routing to complete (default /etc/alertmanager/alertmanager.yml; templates/ next to it)
#   ALERTMANAGER_CONFIG    where to write it (default /tmp/alertmanager.yml: mount a tmpfs on /tmp)
#   ALERTMANAGER_BIN       binary to exec (default alertmanager; Debian's is prometheus-alertmanager)
# `entrypoint.sh --check` validates the variables and prints where alerts go, without writing or starting.
set -eu

template="${ALERTMANAGER_TEMPLATE:-/etc/alertmanager/alertmanager.yml}"
config="${ALERTMANAGER_CONFIG:-/tmp/alertmanager.yml}"
nl='
'
cr=$(printf '\r')
tab=$(printf '\t')

fail() {
  printf 'alertmanager: ERR_SWML_ALERT_RECEIVER: %s (see docs/observability.md, "Where alerts go")\n' "$*" >&2
  exit 78
}
# The value of the variable named $1 (a constant of this script), empty when unset.
get() { eval "printf '%s' \"\${$1:-}\""; }
lower() { printf '%s' "$1" | tr 'A-Z' 'a-z'; }
# YAML single-quoted scalar.
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"; }

# Characters no URL, key or address needs, and that would break the .env, YAML or Alertmanager's templates.
bad_chars() {
  case "$1" in
    *"$nl"* | *"$cr"* | *"$tab"* | *' '* | *'"'* | *"'"* | *'\'* | *'<'* | *'>'* | *'{'* | *'}'* | *'`'* | *'$'*) return 0 ;;
  esac
  return 1
}
placeholder_text() {
  case "$(lower "$1")" in
    *not-configured* | *not_configured* | *changeme* | *change-me* | *change_me* | *placeholder* | *your-* | *your_* | *xxxx*) return 0 ;;
  esac
  return 1
}
placeholder_host() {
  case "$1" in
    invalid | *.invalid | example | *.example | example.com | *.example.com | example.net | *.example.net | example.org | *.example.org) return 0 ;;
  esac
  return 1
}
host_of() {
  rest=${1#*://}
  rest=${rest%%[/?#]*}
  rest=${rest##*@}
  case "$rest" in
    \[*) rest=${rest%%]*} && rest=${rest#?} ;;
    *) rest=${rest%%:*} ;;
  esac
  lower "$rest"
}

# check_url NAME VALUE https|http
check_url() {
  bad_chars "$2" && fail "$1 must be a URL without spaces, quotes, braces, backslashes or \$ (percent-encode them)"
  case "$2" in
    https://?*) ;;
    http://?*) [ "$3" = http ] || fail "$1 must start with https://" ;;
    *) fail "$1 must be an absolute URL starting with https://" ;;
  esac
  host=$(host_of "$2")
  [ -n "$host" ] || fail "$1 has no host name"
  placeholder_host "$host" && fail "$1 points at $host, a placeholder: put the real URL of your receiver"
  placeholder_text "$2" && fail "$1 looks like a placeholder: put the real URL of your receiver"
  return 0
}
check_key() {
  printf '%s' "$2" | grep -Eq '^[A-Za-z0-9]{32}$' ||
    fail "$1 must be a PagerDuty Events API v2 integration key: 32 letters and digits"
  printf '%s' "$2" | grep -q '^\(.\)\1*$' && fail "$1 looks like a placeholder: put the integration key of your PagerDuty service"
  placeholder_text "$2" && fail "$1 looks like a placeholder: put the integration key of your PagerDuty service"
  return 0
}
# check_emails NAME VALUE: one address, or several separated by commas.
check_emails() {
  bad_chars "$2" && fail "$1 must be e-mail addresses separated by commas, without spaces"
  case "$2" in '' | ,* | *, | *,,*) fail "$1 holds an empty address" ;; esac
  old_ifs=$IFS
  IFS=,
  for address in $2; do
    printf '%s' "$address" | grep -Eq '^[^@,]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$' || fail "$1 holds an invalid e-mail address"
    domain=$(lower "${address#*@}")
    placeholder_host "$domain" && fail "$1 sends to $domain, a placeholder domain: put a real address"
    placeholder_text "$address" && fail "$1 looks like a placeholder: put a real address"
  done
  IFS=$old_ifs
  return 0
}
check_smtp() {
  host=$(get ALERT_SMTP_SMARTHOST)
  [ -n "$host" ] || fail "$1 needs ALERT_SMTP_SMARTHOST (the SMTP server, host:port) and ALERT_SMTP_FROM"
  printf '%s' "$host" | grep -Eq '^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}$' ||
    fail "ALERT_SMTP_SMARTHOST must be host:port, e.g. smtp.eu.mailgun.org:587"
  placeholder_host "$(lower "${host%:*}")" && fail "ALERT_SMTP_SMARTHOST is a placeholder: put your SMTP server"
  [ -n "$(get ALERT_SMTP_FROM)" ] || fail "$1 needs ALERT_SMTP_FROM (the sender address)"
  check_emails ALERT_SMTP_FROM "$(get ALERT_SMTP_FROM)"
  case "$(get ALERT_SMTP_FROM)" in *,*) fail "ALERT_SMTP_FROM must be one address" ;; esac
  user=$(get ALERT_SMTP_USERNAME)
  pass=$(get ALERT_SMTP_PASSWORD)
  [ -z "$user" ] || ! bad_chars "$user" || fail "ALERT_SMTP_USERNAME must not contain spaces, quotes or braces"
  case "$pass" in *"$nl"* | *"$cr"*) fail "ALERT_SMTP_PASSWORD must be one line" ;; esac
  if [ -n "$user" ] && [ -z "$pass" ]; then fail "ALERT_SMTP_USERNAME is set without ALERT_SMTP_PASSWORD"; fi
  if [ -z "$user" ] && [ -n "$pass" ]; then fail "ALERT_SMTP_PASSWORD is set without ALERT_SMTP_USERNAME"; fi
  case "$(lower "$(get ALERT_SMTP_REQUIRE_TLS)")" in
    '' | true | false) ;;
    *) fail "ALERT_SMTP_REQUIRE_TLS must be true or false" ;;
  esac
}

# Validates one severity's variables; prints its integrations (e.g. "pagerduty slack"), none: empty.
check_severity() {
  prefix=ALERT_$(printf '%s' "$1" | tr 'a-z' 'A-Z')
  kinds=''
  v=$(get "${prefix}_PAGERDUTY_ROUTING_KEY")
  [ -z "$v" ] || { check_key "${prefix}_PAGERDUTY_ROUTING_KEY" "$v" && kinds="$kinds pagerduty"; }
  v=$(get "${prefix}_SLACK_WEBHOOK_URL")
  [ -z "$v" ] || { check_url "${prefix}_SLACK_WEBHOOK_URL" "$v" https && kinds="$kinds slack"; }
  v=$(get "${prefix}_EMAIL_TO")
  [ -z "$v" ] || { check_emails "${prefix}_EMAIL_TO" "$v" && check_smtp "${prefix}_EMAIL_TO" && kinds="$kinds email"; }
  v=$(get "${prefix}_WEBHOOK_URL")
  [ -z "$v" ] || { check_url "${prefix}_WEBHOOK_URL" "$v" http && kinds="$kinds webhook"; }
  printf '%s' "${kinds# }"
}

# Integrations of one receiver, as YAML (the values were validated by check_severity).
emit_receiver() {
  prefix=ALERT_$(printf '%s' "$1" | tr 'a-z' 'A-Z')
  printf '  - name: %s\n' "$1"
  v=$(get "${prefix}_PAGERDUTY_ROUTING_KEY")
  [ -z "$v" ] || cat <<EOF
    pagerduty_configs:
      - routing_key: $(q "$v")
        send_resolved: true
        description: '{{ template "swml.title" . }}'
        links:
          - href: '{{ template "swml.runbook" . }}'
            text: Runbook
EOF
  v=$(get "${prefix}_SLACK_WEBHOOK_URL")
  [ -z "$v" ] || cat <<EOF
    slack_configs:
      - api_url: $(q "$v")
        send_resolved: true
        title: '{{ template "swml.title" . }}'
        title_link: '{{ template "swml.runbook" . }}'
        text: '{{ template "swml.text" . }}'
EOF
  v=$(get "${prefix}_EMAIL_TO")
  if [ -n "$v" ]; then
    cat <<EOF
    email_configs:
      - to: $(q "$v")
        from: $(q "$(get ALERT_SMTP_FROM)")
        smarthost: $(q "$(get ALERT_SMTP_SMARTHOST)")
        require_tls: $(case "$(lower "$(get ALERT_SMTP_REQUIRE_TLS)")" in false) echo false ;; *) echo true ;; esac)
        send_resolved: true
        headers:
          Subject: '{{ template "swml.title" . }}'
        text: '{{ template "swml.text" . }}'
EOF
    [ -z "$(get ALERT_SMTP_USERNAME)" ] || cat <<EOF
        auth_username: $(q "$(get ALERT_SMTP_USERNAME)")
        auth_password: $(q "$(get ALERT_SMTP_PASSWORD)")
EOF
  fi
  v=$(get "${prefix}_WEBHOOK_URL")
  [ -z "$v" ] || cat <<EOF
    webhook_configs:
      - url: $(q "$v")
        send_resolved: true
EOF
  return 0
}

[ -z "$(get ALERTMANAGER_WEBHOOK_URL)" ] ||
  fail "ALERTMANAGER_WEBHOOK_URL is no longer read: move its value to ALERT_CRITICAL_WEBHOOK_URL and/or ALERT_WARNING_WEBHOOK_URL (or a native Slack, PagerDuty or e-mail receiver), then remove it"
critical=$(check_severity critical)
warning=$(check_severity warning)
if [ -z "$critical" ] && [ -z "$warning" ]; then
  fail "no alert receiver is configured: alerts would reach nobody. Set a receiver for critical alerts (ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY, _SLACK_WEBHOOK_URL, _EMAIL_TO or _WEBHOOK_URL) and one for warnings (ALERT_WARNING_...) in .env, or run deploy/init.sh"
fi
[ -n "$critical" ] ||
  fail "no receiver for critical alerts: set ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY, ALERT_CRITICAL_SLACK_WEBHOOK_URL, ALERT_CRITICAL_EMAIL_TO or ALERT_CRITICAL_WEBHOOK_URL in .env"
[ -n "$warning" ] ||
  fail "no receiver for warnings: set ALERT_WARNING_SLACK_WEBHOOK_URL, ALERT_WARNING_EMAIL_TO, ALERT_WARNING_WEBHOOK_URL or ALERT_WARNING_PAGERDUTY_ROUTING_KEY in .env"
heartbeat=$(get ALERT_HEARTBEAT_URL)
[ -z "$heartbeat" ] || check_url ALERT_HEARTBEAT_URL "$heartbeat" http

summary="critical -> $critical; warning -> $warning; heartbeat -> ${heartbeat:+webhook}"
[ -n "$heartbeat" ] || summary="${summary}none"
if [ "${1:-}" = --check ]; then
  echo "alert receivers OK: $summary"
  exit 0
fi
echo "alertmanager: $summary" >&2
[ -n "$heartbeat" ] ||
  echo "alertmanager: WRN_SWML_NO_HEARTBEAT: ALERT_HEARTBEAT_URL is not set: if this host dies, nobody is told (see docs/incident-response.md#watchdog)" >&2

umask 077
{
  cat "$template"
  printf '\ntemplates:\n  - %s\n\nreceivers:\n' "$(q "$(dirname "$template")/templates/*.tmpl")"
  emit_receiver critical
  emit_receiver warning
  printf '  - name: heartbeat\n'
  [ -z "$heartbeat" ] || cat <<EOF
    webhook_configs:
      - url: $(q "$heartbeat")
        send_resolved: false
        max_alerts: 1
EOF
} >"$config"

exec "${ALERTMANAGER_BIN:-alertmanager}" --config.file="$config" "$@"
