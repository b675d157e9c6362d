#!/usr/bin/env bash
# Backs up and restores the named volumes of the compose stack (docs/deployment.md, "Backups and rollback").
#
#   deploy/backup.sh backup  [--dir DIR] [--project NAME] [--live]   # writes DIR/<UTC time>/<volume>.tar.gz
#   deploy/backup.sh restore  BACKUP_DIR [--project NAME]             # puts every volume back as it was
#
# backup stops the stack (`docker compose stop`: Prometheus, Grafana's database and Redis's append-only file
# are only consistent at rest; a few seconds, Caddy's 20 s hold covers the agent), archives each volume of the
# project, then starts the stack again. --live skips the stop (certificates and the audit log are safe to copy
# live; a database may then need its own repair on restore). Each archive gets a SHA-256 in SHA256SUMS and the
# running images are listed in images.txt, so a rollback knows which versions wrote the data.
# restore checks SHA256SUMS, stops the stack, empties each volume and unpacks its archive, then starts it.
#
# The project is the compose project name (default: this folder's name, as Compose picks it). Containers are
# stopped and started with plain `docker stop/start` by their compose labels, so no compose file or .env is
# needed here. The archives are made by a throwaway container of the agent image (`swml-guard-agent:local`,
# already on the host; BACKUP_IMAGE to change), as root so every file is read whatever its owner, with no
# network. Keep backups off the host: they hold certificates' private keys.
set -euo pipefail

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
die() { echo "backup.sh: $*" >&2; exit 1; }

DOCKER=${DOCKER:-docker}
IMAGE=${BACKUP_IMAGE:-swml-guard-agent:local}
PROJECT=${COMPOSE_PROJECT_NAME:-$(basename "$PWD" | tr '[:upper:]' '[:lower:]' | tr -cd 'a-z0-9_-')}
cmd=${1:-}
[ -n "$cmd" ] || usage
shift
dir=./backups
live=0
src=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=${2:?--dir needs a folder}; shift 2 ;;
    --project) PROJECT=${2:?--project needs a name}; shift 2 ;;
    --live) live=1; shift ;;
    -h | --help) usage ;;
    -*) die "unknown option $1" ;;
    *) src=$1; shift ;;
  esac
done

running() { "$DOCKER" ps -q --filter "label=com.docker.compose.project=$PROJECT"; }
# Stops the project's running containers (each with its own stop_grace_period); an EXIT trap starts them again.
pause_stack() {
  mapfile -t paused < <(running)
  [ ${#paused[@]} -gt 0 ] || return 0
  "$DOCKER" stop "${paused[@]}" >/dev/null
  trap '"$DOCKER" start "${paused[@]}" >/dev/null' EXIT
}
volumes() { # the project's named volumes, as Compose labels them
  "$DOCKER" volume ls -q --filter "label=com.docker.compose.project=$PROJECT"
}
# tar inside a throwaway container: VOLUME mounted at /v, the backup folder at /b.
in_box() { # in_box VOLUME HOST_DIR MODE COMMAND...
  local vol=$1 host=$2 mode=$3
  shift 3
  "$DOCKER" run --rm --user 0 --network none --entrypoint sh \
    -v "$vol:/v:$mode" -v "$host:/b" "$IMAGE" -c "$*"
}

case "$cmd" in
  backup)
    mapfile -t vols < <(volumes)
    [ ${#vols[@]} -gt 0 ] || die "no volumes for compose project '$PROJECT' (use --project)"
    out="$dir/$(date -u +%Y%m%dT%H%M%SZ)"
    mkdir -p "$out"
    out=$(cd "$out" && pwd)
    "$DOCKER" ps --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}} {{.Image}}' |
      while read -r name image; do
        echo "$name $image $("$DOCKER" image inspect -f '{{.Id}}' "$image")"
      done >"$out/images.txt"
    [ "$live" = 1 ] || pause_stack
    for vol in "${vols[@]}"; do
      in_box "$vol" "$out" ro "tar -C /v -czf /b/$vol.tar.gz ."
      echo "backed up $vol"
    done
    (cd "$out" && sha256sum -- *.tar.gz >SHA256SUMS)
    echo "$out"
    ;;
  restore)
    [ -n "$src" ] && [ -f "$src/SHA256SUMS" ] || die "restore needs a backup folder with SHA256SUMS"
    src=$(cd "$src" && pwd)
    (cd "$src" && sha256sum --quiet -c SHA256SUMS) || die "checksums do not match: $src is damaged"
    pause_stack
    for archive in "$src"/*.tar.gz; do
      vol=$(basename "$archive" .tar.gz)
      case "$vol" in "${PROJECT}"_*) ;; *) die "$vol is not a volume of project '$PROJECT' (use --project)" ;; esac
      "$DOCKER" volume inspect "$vol" >/dev/null 2>&1 ||
        "$DOCKER" volume create --label "com.docker.compose.project=$PROJECT" \
          --label "com.docker.compose.volume=${vol#"${PROJECT}"_}" "$vol" >/dev/null
      in_box "$vol" "$src" rw "find /v -mindepth 1 -delete && tar -C /v -xzf /b/$vol.tar.gz"
      echo "restored $vol"
    done
    ;;
  *) usage ;;
esac
