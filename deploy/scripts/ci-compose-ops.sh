# Sourced by ci-compose.sh (not run alone): the operational checks of the live stack. Each function records
# pass/fail with ci-compose.sh's helpers and uses its COMPOSE, DOCKER, CURL, BASE and WORK.
# - segmentation: who reaches whom, tried from inside the containers (issue 11)
# - limits: every container runs with the memory and CPU limits of docker-compose.yml
# - node-exporter: scraped by Prometheus
# - restart under traffic: `docker compose restart agent` while clients call through Caddy (issue 12)

# reach CONTAINER URL: the HTTP status a container gets for URL (wget, or node in the agent image); a
# connection that cannot be made prints "unreachable".
reach() {
  "$DOCKER" exec "$1" sh -c '
    if command -v wget >/dev/null 2>&1; then
      out=$(wget -S -q -T 3 -t 1 -O /dev/null "$0" 2>&1); rc=$?
      code=$(printf "%s\n" "$out" | sed -n "s/^ *HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p" | tail -n 1)
      if [ -n "$code" ]; then echo "$code"; else echo unreachable; fi
    else
      node -e "fetch(process.argv[1], { signal: AbortSignal.timeout(3000) }).then((r) => console.log(r.status), () => console.log(\"unreachable\"))" "$0"
    fi' "$2" 2>/dev/null || echo unreachable
}

expect_reach() { # expect_reach "what" CONTAINER URL yes|no
  local got
  # A missing container must not pass as "unreachable".
  if [ -z "$2" ] || ! "$DOCKER" inspect -f '{{.State.Running}}' "$2" 2>/dev/null | grep -q true; then
    fail "$1" "container not running"
    return
  fi
  got=$(reach "$2" "$3")
  case "$4:$got" in
    yes:unreachable | no:[0-9]*) fail "$1" "from $(container_name "$2") to $3: got $got" ;;
    *) pass "$1 ($got)" ;;
  esac
}

container_name() { "$DOCKER" inspect -f '{{.Name}}' "$1" | sed 's|^/||'; }

# The agent's address on one network (its metrics address is where the internal port listens).
ip_on() { # ip_on CONTAINER NETWORK_SUFFIX
  "$DOCKER" inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPAddress}}{{"\n"}}{{end}}' "$1" |
    awk -v n="_$2" '$1 ~ n"$" { print $2 }'
}

check_segmentation() {
  local caddy agent prom am metrics_ip
  caddy=$(cid caddy)
  agent=$(cid agent)
  prom=$(cid prometheus)
  am=$(cid alertmanager)
  metrics_ip=$(ip_on "$agent" metrics)
  expect_reach "segmentation: Caddy reaches the agent's public port" "$caddy" http://agent:3000/health yes
  expect_reach "segmentation: Caddy cannot reach the agent's internal port by name" "$caddy" http://agent:9464/metrics no
  expect_reach "segmentation: Caddy cannot reach the agent's internal port by its metrics address" \
    "$caddy" "http://$metrics_ip:9464/metrics" no
  expect_reach "segmentation: Caddy cannot reach Alertmanager" "$caddy" http://alertmanager:9093/-/ready no
  expect_reach "segmentation: Caddy cannot reach Prometheus" "$caddy" http://prometheus:9090/-/ready no
  expect_reach "segmentation: Prometheus reaches the agent's internal port" "$prom" http://agent:9464/metrics yes
  expect_reach "segmentation: Prometheus reaches Alertmanager" "$prom" http://alertmanager:9093/-/ready yes
  expect_reach "segmentation: Prometheus reaches node-exporter" "$prom" http://node-exporter:9100/metrics yes
  expect_reach "segmentation: the agent cannot reach Alertmanager" "$agent" http://alertmanager:9093/-/ready no
  expect_reach "segmentation: Alertmanager cannot reach the agent" "$am" http://agent:3000/health no
  # Inside the agent, the internal port answers on its metrics address and nowhere else.
  expect_reach "segmentation: the agent's internal port answers on its metrics address" \
    "$agent" "http://$metrics_ip:9464/health" yes
  expect_reach "segmentation: the agent's internal port is closed on loopback" "$agent" http://127.0.0.1:9464/health no
}

# tcp_open CONTAINER HOST PORT: can the container open a TCP connection (bash's /dev/tcp; CI images are Debian)?
tcp_open() {
  "$DOCKER" exec "$1" timeout 4 bash -c "exec 3<>/dev/tcp/$2/$3" >/dev/null 2>&1
}

check_redis_segmentation() { # scale mode: only the agents reach Redis, by name or by address
  local redis_ip svc
  redis_ip=$(ip_on "$(cid redis)" state)
  if tcp_open "$(cid agent)" redis 6379; then pass "segmentation: the agents reach Redis"; else fail "segmentation: the agents reach Redis" "no TCP connection to redis:6379"; fi
  for svc in caddy prometheus alertmanager; do
    if [ -z "$(cid "$svc")" ]; then
      fail "segmentation: $svc cannot reach Redis" "$svc is not running"
    elif tcp_open "$(cid "$svc")" redis 6379 || tcp_open "$(cid "$svc")" "$redis_ip" 6379; then
      fail "segmentation: $svc cannot reach Redis" "it connected to redis ($redis_ip):6379"
    else
      pass "segmentation: $svc cannot reach Redis"
    fi
  done
}

check_limits() {
  local bad="" id name mem cpus
  for id in $("${COMPOSE[@]}" ps -q); do
    name=$(container_name "$id")
    read -r mem cpus < <("$DOCKER" inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}' "$id")
    if [ "$mem" -le 0 ] || [ "$cpus" -le 0 ]; then bad="$bad $name(mem=$mem,cpus=$cpus)"; fi
  done
  if [ -z "$bad" ]; then pass "every container runs with a memory and a CPU limit"; else fail "every container runs with a memory and a CPU limit" "$bad"; fi
  if "$DOCKER" port "$(cid caddy)" | grep -q udp; then
    fail "Caddy publishes no UDP port (HTTP/3 off)" "$("$DOCKER" port "$(cid caddy)" | tr '\n' ' ')"
  else
    pass "Caddy publishes no UDP port (HTTP/3 off)"
  fi
}

check_node_exporter() {
  local prom up=""
  prom=$(cid prometheus)
  for _ in $(seq 1 45); do
    up=$("$DOCKER" exec "$prom" wget -qO- 'http://127.0.0.1:9090/api/v1/query?query=up%7Bjob%3D%22node%22%7D' 2>/dev/null || true)
    case "$up" in *'"value":['*'"1"]'*) break ;; esac
    sleep 2
  done
  case "$up" in
    *'"value":['*'"1"]'*) pass "Prometheus scrapes node-exporter: up{job=\"node\"} == 1" ;;
    *) fail "Prometheus scrapes node-exporter: up{job=\"node\"} == 1" "last answer: ${up:0:300}" ;;
  esac
  local fs
  fs=$("$DOCKER" exec "$prom" wget -qO- 'http://127.0.0.1:9090/api/v1/query?query=node_filesystem_avail_bytes%7Bjob%3D%22node%22%2Cmountpoint%3D%22%2F%22%7D' 2>/dev/null || true)
  case "$fs" in
    *'"mountpoint":"/"'*) pass "node-exporter reports the host's root filesystem" ;;
    *) fail "node-exporter reports the host's root filesystem" "got: ${fs:0:300}" ;;
  esac
}

# Three clients POST SWML fetches through Caddy while `docker compose restart agent` runs; counts failures.
check_restart_under_traffic() {
  local out="$WORK/restart.codes" stop="$WORK/restart.stop" agent health="" total failed held clients=()
  : >"$out"
  rm -f "$stop"
  for c in 1 2 3; do
    (
      i=0
      while [ ! -e "$stop" ]; do
        start=$(date +%s%N)
        code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' --max-time 40 -u "$SWML_BASIC_AUTH_USER:$SWML_BASIC_AUTH_PASSWORD" \
          -H 'content-type: application/json' -d "{\"call\":{\"call_id\":\"restart-$c-$i\",\"from\":\"+1555000$c\"}}" \
          "$BASE/" 2>/dev/null || true)
        echo "${code:-000} $(((($(date +%s%N) - start)) / 1000000))" >>"$out"
        i=$((i + 1))
        sleep 0.1
      done
    ) &
    clients+=($!)
  done
  sleep 3
  log "docker compose restart agent (under traffic)"
  "${COMPOSE[@]}" restart agent >"$WORK/restart.log" 2>&1 || true
  agent=$(cid agent)
  for _ in $(seq 1 60); do
    health=$("$DOCKER" inspect -f '{{.State.Health.Status}}' "$agent" 2>/dev/null || true)
    [ "$health" = healthy ] && break
    sleep 1
  done
  sleep 3
  touch "$stop"
  wait "${clients[@]}" # not a bare `wait`: dockerd is a child of this shell too
  total=$(wc -l <"$out")
  failed=$(grep -cv '^200 ' "$out" || true)
  held=$(awk '$2 >= 1000' "$out" | wc -l)
  log "restart under traffic: $total requests, $failed failed, $held held for 1 s or more, longest $(sort -k2 -n "$out" | tail -n 1 | cut -d' ' -f2) ms"
  if [ "$health" = healthy ] && [ "$total" -ge 20 ] && [ "$held" -ge 1 ] && [ "$failed" -le 1 ]; then
    pass "docker compose restart agent under traffic: $failed of $total requests failed (at most 1)"
  else
    fail "docker compose restart agent under traffic: at most 1 request fails" \
      "health=$health total=$total failed=$failed held=$held codes: $(cut -d' ' -f1 "$out" | sort | uniq -c | tr '\n' ' ')"
  fi
}

wait_healthy() { # wait_healthy SERVICE: its first container healthy (60 s at most)
  local h=""
  for _ in $(seq 1 60); do
    h=$("$DOCKER" inspect -f '{{.State.Health.Status}}' "$(cid "$1")" 2>/dev/null || true)
    [ "$h" = healthy ] && return 0
    sleep 1
  done
  return 1
}

# deploy/backup.sh: back up every volume, change one, restore, and find it as it was; a damaged backup is refused.
check_backup_restore() {
  local marker=/var/log/swml-guard/backup-marker backups="$WORK/backups" dir got vols
  write_marker() { "$DOCKER" exec "$(cid agent)" node -e "require('fs').writeFileSync('$marker', '$1')"; }
  read_marker() { "$DOCKER" exec "$(cid agent)" node -e "process.stdout.write(require('fs').readFileSync('$marker', 'utf8'))"; }
  write_marker before
  if ! dir=$("$ROOT/deploy/backup.sh" backup --dir "$backups" --project "$PROJECT" 2>"$WORK/backup.err" | tail -n 1); then
    fail "deploy/backup.sh backs up every volume" "$(tail -n 3 "$WORK/backup.err" | tr '\n' ' ')"
    return
  fi
  vols=$("$DOCKER" volume ls -q --filter "label=com.docker.compose.project=$PROJECT" | wc -l)
  if [ -s "$dir/SHA256SUMS" ] && [ "$(wc -l <"$dir/SHA256SUMS")" = "$vols" ] && [ -s "$dir/${PROJECT}_caddy_data.tar.gz" ] &&
    wait_healthy agent; then
    pass "deploy/backup.sh backs up all $vols volumes with checksums, and the stack is back up"
  else
    fail "deploy/backup.sh backs up every volume" "dir=$dir vols=$vols $(ls "$dir" 2>&1 | tr '\n' ' ')"
    return
  fi
  write_marker after
  cp -r "$dir" "$WORK/damaged"
  printf 'x' >>"$WORK/damaged/${PROJECT}_agent_audit.tar.gz"
  if "$ROOT/deploy/backup.sh" restore "$WORK/damaged" --project "$PROJECT" >/dev/null 2>&1; then
    fail "deploy/backup.sh refuses a damaged backup" "restore succeeded"
  elif [ "$(read_marker)" = after ]; then
    pass "deploy/backup.sh refuses a damaged backup and changes nothing"
  else
    fail "deploy/backup.sh refuses a damaged backup and changes nothing" "marker: $(read_marker)"
  fi
  if "$ROOT/deploy/backup.sh" restore "$dir" --project "$PROJECT" >"$WORK/restore.log" 2>&1 && wait_healthy agent &&
    got=$(read_marker) && [ "$got" = before ]; then
    pass "deploy/backup.sh restore puts the volumes back as they were (rollback)"
  else
    fail "deploy/backup.sh restore puts the volumes back as they were (rollback)" \
      "marker: ${got:-?}; $(tail -n 3 "$WORK/restore.log" | tr '\n' ' ')"
  fi
}
