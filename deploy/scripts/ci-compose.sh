#!/usr/bin/env bash
# `npm run test:compose`: runs the real docker compose stack and checks it from outside, as a user would.
#
# For a fresh Debian 12 machine, as root, with no image registry reachable (CI): installs Docker and
# debootstrap, starts dockerd (unless one already answers), builds every image from a local Debian base
# (deploy/ci/docker-compose.ci.yml; Grafana left out), writes a .env with deploy/init.sh in a temp dir,
# `up --wait`, then checks HTTPS through the published Caddy port, the SWML and a secure tool call with
# its token, the edge 404s, the agent's hardening, Prometheus's scrape of the agent and of node-exporter,
# network segmentation from inside the containers, resource limits, `docker compose restart agent` under
# traffic (deploy/scripts/ci-compose-ops.sh), and scale mode. Always tears down (`down -v`, then dockerd by
# PID) in an EXIT trap. Prints "N passed, N failed" last (exit 1 if any failed).
#
# Env: SWML_CI_CACHE (default /var/cache/swml-guard-ci): debootstrap tarball and Compose v2 plugin.
#      SWML_CI_KEEP=1: leave the stack running (debugging; dockerd too).
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "ci-compose.sh: run as root (it installs Debian packages and starts dockerd); see the header." >&2
  exit 1
fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${SWML_CI_CACHE:-/var/cache/swml-guard-ci}
WORK=$(mktemp -d /tmp/swml-compose.XXXXXX)
PROJECT=swmlguardci
DOMAIN=agent.localhost
DOCKER=/usr/bin/docker # Debian's CLI: another docker first on PATH may lack the classic builder
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
export DOCKER_CONFIG="$WORK/docker-config"
mkdir -p "$DOCKER_CONFIG/cli-plugins" "$CACHE"

STARTED=$(date +%s)
DOCKERD_PID=""
COMPOSE=()
UP=0
PASSED=0
FAILED=0

log() { printf '# [%3ss] %s\n' "$(($(date +%s) - STARTED))" "$*"; }
pass() { PASSED=$((PASSED + 1)); echo "ok $((PASSED + FAILED)) - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "not ok $((PASSED + FAILED)) - $1"; [ $# -lt 2 ] || printf '#   %s\n' "$2"; }
check() { # check "description" command...
  local what=$1; shift
  local out
  if out=$("$@" 2>&1); then pass "$what"; else fail "$what" "$(printf '%s' "$out" | tail -n 5 | tr '\n' ' ')"; fi
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "${SWML_CI_KEEP:-0}" = 1 ]; then
    log "SWML_CI_KEEP=1: stack left running (project $PROJECT, work dir $WORK, dockerd pid ${DOCKERD_PID:-external})"
    echo "$PASSED passed, $FAILED failed"
    exit "$rc"
  fi
  if [ "$UP" = 1 ]; then
    if [ "$FAILED" -gt 0 ] || [ "$rc" -ne 0 ]; then
      "${COMPOSE[@]}" ps -a || true
      "${COMPOSE[@]}" logs --no-color --tail 40 || true
    fi
    log "docker compose down -v"
    "${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  if [ -n "$DOCKERD_PID" ]; then
    log "stopping dockerd (pid $DOCKERD_PID)"
    kill "$DOCKERD_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
    kill -9 "$DOCKERD_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  log "done in $(($(date +%s) - STARTED))s"
  # The closing line, last: a setup step that failed (install, build, engine) counts as one failure.
  if [ "$rc" -ne 0 ] && [ "$FAILED" -eq 0 ]; then FAILED=1; fi
  echo "$PASSED passed, $FAILED failed"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. packages -------------------------------------------------------------------------------------
need=()
{ command -v dockerd >/dev/null && [ -x "$DOCKER" ]; } || need+=(docker.io containerd)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Compose v2 (for --wait and !override): Debian 13's package, unpacked from a side apt source list.
compose_v2() {
  local plugin="$CACHE/docker-compose-v2"
  if [ ! -x "$plugin" ]; then
    log "fetching Compose v2 from Debian trixie"
    local t="$WORK/apt-trixie"
    mkdir -p "$t/lists/partial" "$t/parts" "$t/deb"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      >"$t/parts/trixie.sources"
    local opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$t/parts" -o "Dir::State::Lists=$t/lists"
      -o APT::Sandbox::User=root)
    apt-get -qq "${opts[@]}" update >/dev/null 2>&1 || return 1
    (cd "$t/deb" && apt-get -qq "${opts[@]}" download docker-compose >/dev/null 2>&1) || return 1
    dpkg-deb -x "$t"/deb/docker-compose_*.deb "$t/x" || return 1
    cp "$t/x/usr/libexec/docker/cli-plugins/docker-compose" "$plugin.tmp" && mv "$plugin.tmp" "$plugin"
  fi
  cp "$plugin" "$DOCKER_CONFIG/cli-plugins/docker-compose"
  "$DOCKER" compose version >/dev/null 2>&1
}
OVERRIDE="$ROOT/deploy/ci/docker-compose.ci.yml"
if compose_v2; then
  COMPOSE=("$DOCKER" compose)
  V2=1
else
  log "Compose v2 unavailable: falling back to Compose v1"
  command -v docker-compose >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
  # --compatibility: v1 applies deploy.resources.limits only in that mode.
  COMPOSE=(docker-compose --compatibility)
  V2=0
  # v1 knows no `!override`: drop those blocks (Caddy's ports then stay as docker-compose.yml publishes them).
  awk '/!override/ { skip = 1; next } skip && /^      - / { next } { skip = 0; print }' "$OVERRIDE" \
    >"$WORK/docker-compose.ci-v1.yml"
  OVERRIDE="$WORK/docker-compose.ci-v1.yml" # relative paths in it still resolve against the project directory
fi
log "compose: $("${COMPOSE[@]}" version | head -n 1)"

# ---- 2. the engine -----------------------------------------------------------------------------------
if "$DOCKER" info >/dev/null 2>&1; then
  log "using the docker engine already running"
else
  log "starting dockerd"
  dockerd >"$WORK/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 1 60); do "$DOCKER" info >/dev/null 2>&1 && break; sleep 0.5; done
  "$DOCKER" info >/dev/null 2>&1 || { tail -n 20 "$WORK/dockerd.log"; echo "dockerd did not start" >&2; exit 1; }
fi

# ---- 3. local base images ----------------------------------------------------------------------------
if ! "$DOCKER" image inspect local/bookworm:ci >/dev/null 2>&1; then
  tarball="$CACHE/bookworm-minbase.tar"
  if [ ! -s "$tarball" ]; then
    log "debootstrap bookworm (minbase)"
    debootstrap --variant=minbase bookworm "$WORK/rootfs" http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 ||
      { tail -n 20 "$WORK/debootstrap.log"; exit 1; }
    tar -C "$WORK/rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$WORK/rootfs"
  fi
  log "docker import local/bookworm:ci"
  "$DOCKER" import "$tarball" local/bookworm:ci >/dev/null
fi

build() { # build TAG DOCKERFILE CONTEXT [args...]
  local tag=$1 file=$2 ctx=$3; shift 3
  log "build $tag"
  "$DOCKER" build -q -t "$tag" -f "$file" "$@" "$ctx" >"$WORK/build-${tag//[\/:]/_}.log" 2>&1 ||
    { tail -n 30 "$WORK/build-${tag//[\/:]/_}.log"; echo "image build failed: $tag" >&2; exit 1; }
}

# CI runs the agent image on the host's Node (the suites' Node): bookworm has no current nodejs, so the host's
# node and npm go into a CI-only base, with the host CA bundle.
node_ctx="$WORK/node-ctx"
mkdir -p "$node_ctx"
node_bin=$(command -v node)
cp "$(readlink -f "$node_bin")" "$node_ctx/node"
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
cp -a "$npm_dir" "$node_ctx/npm"
cp /etc/ssl/certs/ca-certificates.crt "$node_ctx/ca-certificates.crt"
build local/node-host:ci "$ROOT/deploy/ci/node.Dockerfile" "$node_ctx"

# ---- 4. service images -------------------------------------------------------------------------------
build swml-guard-ci/caddy:local "$ROOT/deploy/ci/caddy.Dockerfile" "$ROOT/deploy"
build swml-guard-ci/prometheus:local "$ROOT/deploy/ci/prometheus.Dockerfile" "$ROOT/deploy/ci"
build swml-guard-ci/alertmanager:local "$ROOT/deploy/ci/alertmanager.Dockerfile" "$ROOT/deploy/ci"
build swml-guard-ci/node-exporter:local "$ROOT/deploy/ci/node-exporter.Dockerfile" "$ROOT/deploy/ci"
build swml-guard-agent:local "$ROOT/deploy/Dockerfile" "$ROOT" --build-arg NODE_IMAGE=local/node-host:ci

# ---- 5. up -------------------------------------------------------------------------------------------
# Receivers are required (Alertmanager refuses to start without them); nothing listens there in CI.
"$ROOT/deploy/init.sh" --domain "$DOMAIN" --file "$WORK/.env" \
  --alert-critical webhook:http://alert-sink.ci:9/critical --alert-warning webhook:http://alert-sink.ci:9/warning >/dev/null
# The restart-under-traffic check sends a few hundred calls a minute from one client: above the default limits.
printf 'SWML_RATE_LIMIT=100000\nSWML_CALL_RATE_LIMIT=100000\nSWML_CALLER_CALL_LIMIT=100000\n' >>"$WORK/.env"
set -a
# shellcheck disable=SC1091
. "$WORK/.env"
set +a
COMPOSE+=(-p "$PROJECT" --env-file "$WORK/.env" -f "$ROOT/docker-compose.yml" -f "$OVERRIDE")

check "docker compose config validates the stack with the CI override" "${COMPOSE[@]}" config -q
log "docker compose up"
UP=1
if [ "$V2" = 1 ]; then
  if "${COMPOSE[@]}" up -d --no-build --wait --wait-timeout 180 >"$WORK/up.log" 2>&1; then
    pass "docker compose up --wait: every service healthy"
  else
    fail "docker compose up --wait: every service healthy" "$(tail -n 5 "$WORK/up.log" | tr '\n' ' ')"
  fi
else
  "${COMPOSE[@]}" up -d --no-build >"$WORK/up.log" 2>&1 || true
  healthy=0
  for _ in $(seq 1 90); do
    states=$("${COMPOSE[@]}" ps -q | xargs "$DOCKER" inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}')
    if ! printf '%s\n' "$states" | grep -qv -E '^(healthy|running)$'; then healthy=1; break; fi
    sleep 2
  done
  if [ "$healthy" = 1 ]; then pass "docker compose up: every service healthy"; else fail "docker compose up: every service healthy" "$states"; fi
fi

# ---- 6. checks ---------------------------------------------------------------------------------------
cid() { "${COMPOSE[@]}" ps -q "$1" | head -n 1; }
CA="$WORK/caddy-root.crt"
for _ in $(seq 1 30); do
  "$DOCKER" cp "$(cid caddy):/data/caddy/pki/authorities/local/root.crt" "$CA" >/dev/null 2>&1 && break
  sleep 1
done
CURL=(curl -sS --max-time 10 --cacert "$CA" --resolve "$DOMAIN:443:127.0.0.1" --resolve "$DOMAIN:80:127.0.0.1")
BASE="https://$DOMAIN"

check "HTTPS through the published Caddy port, trusted with Caddy's local CA root" \
  bash -c '"$@" | grep -q "\"status\":\"ok\""' _ "${CURL[@]}" -f "$BASE/health"

redirect=$("${CURL[@]}" -o /dev/null -w '%{http_code} %{redirect_url}' "http://$DOMAIN/health" || true)
case "$redirect" in
  30[178]" https://$DOMAIN/health") pass "HTTP redirects to HTTPS" ;;
  *) fail "HTTP redirects to HTTPS" "got: $redirect" ;;
esac

for path in /metrics /admin/emergency; do
  code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE$path" || true)
  if [ "$code" = 404 ]; then pass "$path answers 404 through Caddy"; else fail "$path answers 404 through Caddy" "got $code"; fi
done

code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' -d '{}' "$BASE/" || true)
if [ "$code" = 401 ]; then pass "SWML without credentials is refused (401)"; else fail "SWML without credentials is refused (401)" "got $code"; fi

# The SignalWire flow: fetch the SWML with Basic Auth, check every webhook URL is the public https base,
# then call the secure tool transfer_funds through Caddy with the token from its own web_hook_url.
CALL_ID="ci-$(date +%s)-$$"
"${CURL[@]}" -f -u "$SWML_BASIC_AUTH_USER:$SWML_BASIC_AUTH_PASSWORD" -H 'content-type: application/json' \
  -d "{\"call\":{\"call_id\":\"$CALL_ID\",\"from\":\"+15551230000\",\"to\":\"+15559870000\"},\"vars\":{}}" \
  "$BASE/" >"$WORK/swml.json" 2>"$WORK/swml.err" || true
check "SWML webhook URLs are https on the public domain, with credentials and a token for secure tools" \
  node -e '
    const doc = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const ai = doc.sections.main.find((v) => v.ai).ai;
    const urls = [ai.SWAIG.defaults.web_hook_url, ai.post_prompt_url, ...ai.SWAIG.functions.map((f) => f.web_hook_url).filter(Boolean)];
    for (const u of urls) {
      const url = new URL(u);
      if (url.protocol !== "https:" || url.hostname !== process.argv[2] || !url.password) throw new Error("bad webhook URL: " + url.protocol + "//" + url.host);
    }
    const t = ai.SWAIG.functions.find((f) => f.function === "transfer_funds");
    if (!t || !new URL(t.web_hook_url).searchParams.get("__token")) throw new Error("transfer_funds has no token URL");
  ' "$WORK/swml.json" "$DOMAIN"

TOOL_URL=$(node -e '
  const doc = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const ai = doc.sections.main.find((v) => v.ai).ai;
  const u = new URL(ai.SWAIG.functions.find((f) => f.function === "transfer_funds").web_hook_url);
  u.username = ""; u.password = "";
  process.stdout.write(u.href);
' "$WORK/swml.json" 2>/dev/null || true)
if [ -n "$TOOL_URL" ]; then
  body="{\"function\":\"transfer_funds\",\"call_id\":\"$CALL_ID\",\"argument\":{\"parsed\":[{\"amount\":5,\"to_account\":\"1234567890\"}]}}"
  out=$("${CURL[@]}" -u "$SWML_BASIC_AUTH_USER:$SWML_BASIC_AUTH_PASSWORD" -H 'content-type: application/json' -d "$body" "$TOOL_URL" || true)
  case "$out" in
    *"Transferred \$5"*) pass "secure tool transfer_funds with its token succeeds through Caddy" ;;
    *) fail "secure tool transfer_funds with its token succeeds through Caddy" "got: $out" ;;
  esac
  forged=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -u "$SWML_BASIC_AUTH_USER:$SWML_BASIC_AUTH_PASSWORD" \
    -H 'content-type: application/json' -d "${body/$CALL_ID/other-call}" "$TOOL_URL" || true)
  if [ "$forged" = 403 ]; then pass "the token is refused for another call_id (403)"; else fail "the token is refused for another call_id (403)" "got $forged"; fi
else
  fail "secure tool transfer_funds with its token succeeds through Caddy" "no SWML: $(head -c 300 "$WORK/swml.err")"
fi

AGENT=$(cid agent)
check "agent runs as uid 10001, not root" sh -c "[ \"\$($DOCKER exec $AGENT node -e 'process.stdout.write(String(process.getuid()))')\" = 10001 ]"
check "agent root filesystem is read-only" sh -c "! $DOCKER exec $AGENT node -e 'require(\"fs\").writeFileSync(\"/app/x\", \"\")' 2>/dev/null"
check "agent internal port is not published on the host" sh -c "[ -z \"\$($DOCKER port $AGENT)\" ]"
"${COMPOSE[@]}" logs --no-color caddy >"$WORK/caddy.log" 2>&1 || true
"${COMPOSE[@]}" logs --no-color agent >"$WORK/agent.log" 2>&1 || true
TOKEN=$(node -e 'process.stdout.write(new URL(process.argv[1]).searchParams.get("__token") ?? "")' "${TOOL_URL:-http://x/}" 2>/dev/null || true)
if grep -q 'uri":"/swaig?__token=REDACTED' "$WORK/caddy.log" && ! grep -q -F -e "$SWML_BASIC_AUTH_PASSWORD" "$WORK/caddy.log" &&
  { [ -z "$TOKEN" ] || ! grep -q -F -e "$TOKEN" "$WORK/caddy.log"; }; then
  pass "Caddy's access log has the token redacted and no Basic Auth password"
else
  fail "Caddy's access log has the token redacted and no Basic Auth password" "$(grep -m1 swaig "$WORK/caddy.log" | head -c 300)"
fi
if grep -q -e '"url":"/metrics' -e '"url":"/admin' "$WORK/agent.log"; then
  fail "/metrics and /admin requests stop at Caddy (the agent never sees them)"
else
  pass "/metrics and /admin requests stop at Caddy (the agent never sees them)"
fi

# Prometheus discovers the agent by DNS (agent:9464) and scrapes it: poll for up == 1.
PROM=$(cid prometheus)
up=""
for _ in $(seq 1 45); do
  up=$("$DOCKER" exec "$PROM" wget -qO- 'http://127.0.0.1:9090/api/v1/query?query=up%7Bjob%3D%22swml-agent%22%7D' 2>/dev/null || true)
  case "$up" in *'"value":['*'"1"]'*) break ;; esac
  sleep 2
done
case "$up" in
  *'"value":['*'"1"]'*) pass "Prometheus scraped the agent: up{job=\"swml-agent\"} == 1" ;;
  *) fail "Prometheus scraped the agent: up{job=\"swml-agent\"} == 1" "last answer: ${up:0:300}" ;;
esac
series=$("$DOCKER" exec "$PROM" wget -qO- 'http://127.0.0.1:9090/api/v1/query?query=swml_function_calls_total%7Bfunction%3D%22transfer_funds%22%2Coutcome%3D%22ok%22%7D' 2>/dev/null || true)
case "$series" in
  *'"function":"transfer_funds"'*) pass "Prometheus has the agent's swml_function_calls_total series" ;;
  *) fail "Prometheus has the agent's swml_function_calls_total series" "got: ${series:0:300}" ;;
esac
rules=$("$DOCKER" exec "$PROM" wget -qO- 'http://127.0.0.1:9090/api/v1/rules' 2>/dev/null || true)
case "$rules" in
  *'"name":"AgentDown"'*) pass "Prometheus loaded the alert rules" ;;
  *) fail "Prometheus loaded the alert rules" "got: ${rules:0:200}" ;;
esac
ams=$("$DOCKER" exec "$PROM" wget -qO- 'http://127.0.0.1:9090/api/v1/alertmanagers' 2>/dev/null || true)
case "$ams" in
  *'alertmanager:9093'*) pass "Prometheus sends alerts to Alertmanager" ;;
  *) fail "Prometheus sends alerts to Alertmanager" "got: ${ams:0:200}" ;;
esac

# ---- 7. operations: segmentation, limits, host metrics, restart under traffic --------------------------
# shellcheck source=deploy/scripts/ci-compose-ops.sh
. "$ROOT/deploy/scripts/ci-compose-ops.sh"
check_segmentation
check_limits
check_node_exporter
check_restart_under_traffic
check_backup_restore

# ---- 8. scale mode: three replicas, Redis, Prometheus discovering each one ---------------------------
if [ "${SWML_CI_SCALE:-1}" = 1 ]; then
  build swml-guard-ci/redis:local "$ROOT/deploy/ci/redis.Dockerfile" "$ROOT/deploy/ci"
  sed -i 's|^# REDIS_URL=|REDIS_URL=|' "$WORK/.env"
  log "docker compose --profile scale up --scale agent=3"
  SCALE=("${COMPOSE[@]}" --profile scale)
  if [ "$V2" = 1 ]; then
    scale_up=("${SCALE[@]}" up -d --no-build --wait --wait-timeout 180 --scale agent=3)
  else
    scale_up=("${SCALE[@]}" up -d --no-build --scale agent=3)
  fi
  if "${scale_up[@]}" >"$WORK/scale.log" 2>&1; then
    pass "docker compose --profile scale up --scale agent=3"
  else
    fail "docker compose --profile scale up --scale agent=3" "$(tail -n 5 "$WORK/scale.log" | tr '\n' ' ')"
  fi
  mapfile -t REPLICAS < <("${COMPOSE[@]}" ps -q agent)
  for _ in $(seq 1 60); do # v1 has no --wait: wait for the replicas' healthchecks
    unhealthy=$("$DOCKER" inspect -f '{{.State.Health.Status}}' "${REPLICAS[@]}" | grep -cv '^healthy$' || true)
    [ "$unhealthy" = 0 ] && break
    sleep 2
  done
  if [ "${#REPLICAS[@]}" = 3 ]; then pass "three agent replicas run"; else fail "three agent replicas run" "got ${#REPLICAS[@]}"; fi

  # One request inside a replica's container, to its own port: prints the HTTP status and the body.
  in_replica() { # in_replica CONTAINER PATH_WITH_QUERY JSON_BODY
    "$DOCKER" exec -e U="$SWML_BASIC_AUTH_USER" -e P="$SWML_BASIC_AUTH_PASSWORD" -e PATH_Q="$2" -e BODY="$3" "$1" node -e '
      const auth = "Basic " + Buffer.from(process.env.U + ":" + process.env.P).toString("base64");
      fetch("http://127.0.0.1:3000" + process.env.PATH_Q, { method: "POST", body: process.env.BODY,
        headers: { authorization: auth, "content-type": "application/json" } })
        .then(async (r) => console.log(r.status, await r.text()), (e) => { console.log(0, String(e)); });'
  }
  CALL_ID="ci-scale-$(date +%s)-$$"
  "${CURL[@]}" -f -u "$SWML_BASIC_AUTH_USER:$SWML_BASIC_AUTH_PASSWORD" -H 'content-type: application/json' \
    -d "{\"call\":{\"call_id\":\"$CALL_ID\",\"from\":\"+15551230000\"},\"vars\":{}}" "$BASE/" >"$WORK/swml2.json" 2>/dev/null || true
  QUERIES=$(node -e '
    const ai = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).sections.main.find((v) => v.ai).ai;
    const q = (u) => new URL(u).search;
    console.log(q(ai.SWAIG.functions.find((f) => f.function === "transfer_funds").web_hook_url), q(ai.post_prompt_url));
  ' "$WORK/swml2.json" 2>/dev/null || true)
  TOOL_Q=${QUERIES% *}
  END_Q=${QUERIES#* }
  body="{\"function\":\"transfer_funds\",\"call_id\":\"$CALL_ID\",\"argument\":{\"parsed\":[{\"amount\":5,\"to_account\":\"1234567890\"}]}}"
  accepted=0
  for r in "${REPLICAS[@]}"; do
    case "$(in_replica "$r" "/swaig$TOOL_Q" "$body")" in "200 "*"Transferred \$5"*) accepted=$((accepted + 1)) ;; esac
  done
  if [ "$accepted" = 3 ] && [ -n "$QUERIES" ]; then pass "every replica accepts the token minted through Caddy"; else fail "every replica accepts the token minted through Caddy" "$accepted of 3"; fi
  ended=$(in_replica "${REPLICAS[0]}" "/post_prompt$END_Q" "{\"action\":\"post_conversation\",\"call_id\":\"$CALL_ID\",\"post_prompt_data\":{\"raw\":\"done\"}}")
  refused=0
  for r in "${REPLICAS[@]:1}"; do
    case "$(in_replica "$r" "/swaig$TOOL_Q" "$body")" in "403 "*) refused=$((refused + 1)) ;; esac
  done
  if [ "${ended%% *}" = 200 ] && [ "$refused" = 2 ]; then
    pass "a post_prompt on one replica revokes the call's token on the others (Redis)"
  else
    fail "a post_prompt on one replica revokes the call's token on the others (Redis)" "post_prompt: ${ended:0:80}; refused $refused of 2"
  fi
  # Caddy spreads calls over the replicas (a new connection per request re-resolves `agent`).
  for i in $(seq 1 12); do
    "${CURL[@]}" -o /dev/null -u "$SWML_BASIC_AUTH_USER:$SWML_BASIC_AUTH_PASSWORD" -H 'content-type: application/json' \
      -d "{\"call\":{\"call_id\":\"$CALL_ID-spread-$i\"}}" "$BASE/" || true
  done
  serving=0
  for r in "${REPLICAS[@]}"; do
    "$DOCKER" logs "$r" 2>&1 | grep -q "$CALL_ID-spread-" && serving=$((serving + 1))
  done
  if [ "$serving" -ge 2 ]; then pass "Caddy spreads calls over the replicas ($serving of 3 served some of 12)"; else fail "Caddy spreads calls over the replicas" "only $serving replica served the 12 calls"; fi
  count=""
  for _ in $(seq 1 45); do
    count=$("$DOCKER" exec "$PROM" wget -qO- 'http://127.0.0.1:9090/api/v1/query?query=count(up%7Bjob%3D%22swml-agent%22%7D%3D%3D1)' 2>/dev/null || true)
    case "$count" in *'"3"]'*) break ;; esac
    sleep 2
  done
  case "$count" in
    *'"3"]'*) pass "Prometheus discovered and scraped all three replicas (DNS service discovery)" ;;
    *) fail "Prometheus discovered and scraped all three replicas (DNS service discovery)" "last answer: ${count:0:300}" ;;
  esac
  # Each replica bound the internal port to its own metrics address: closed on its edge address, for Caddy.
  closed=0
  for r in "${REPLICAS[@]}"; do
    [ "$(reach "$(cid caddy)" "http://$(ip_on "$r" edge):9464/metrics")" = unreachable ] && closed=$((closed + 1))
  done
  if [ "$closed" = 3 ]; then pass "no replica's internal port answers Caddy"; else fail "no replica's internal port answers Caddy" "$closed of 3 closed"; fi
  check_redis_segmentation
fi

[ "$FAILED" -eq 0 ]
