# Podman as a second engine beside dockerd (JANUS_ENGINE=podman, or JANUS_WITH_PODMAN=1 for CI). Sourced after
# common.sh. Podman keeps its own store (/var/lib/containers), network (podman0) and socket; dockerd, its
# daemon.json and its containers are never touched.

JANUS_PODMAN_SOCKET=${JANUS_PODMAN_SOCKET:-/run/podman/podman.sock}

# This VM refuses Podman's default rlimits ("error setting rlimit type 7: operation not permitted"); nproc above
# 32768 failed too. A file someone else wrote is left alone unless it lacks the setting.
ensure_podman_containers_conf() {
  local f=/etc/containers/containers.conf
  if [ -f "$f" ] && grep -q '^default_ulimits' "$f"; then say "podman: $f already sets default_ulimits"; return; fi
  mkdir -p /etc/containers
  if [ -f "$f" ] && grep -q '^\[containers\]' "$f"; then
    sed -i '/^\[containers\]/a default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]' "$f"
  else
    printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' >>"$f"
  fi
  say "podman: default_ulimits set in $f (this machine refuses Podman's defaults)"
}

# The same resolution dockerd has here: Docker Hub short names (FROM python:3.11-slim) from the local registry as
# docker.io's mirror, and the local registry spoken to over plain HTTP (Docker allows that for loopback by itself).
ensure_podman_registries_conf() {
  local f=/etc/containers/registries.conf.d/50-janus.conf want
  want=$(
    cat <<CONF
# Written by the Janus bootstrap: the registry on $JANUS_REGISTRY_ADDR, as dockerd's registry-mirrors has it.
unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"
$(if [ "$JANUS_MIRROR" = 1 ]; then printf '\n[[registry]]\nprefix = "docker.io"\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "%s"\ninsecure = true\n' "$JANUS_REGISTRY_ADDR"; fi)

[[registry]]
location = "$JANUS_REGISTRY_ADDR"
insecure = true

[[registry]]
location = "$JANUS_REGISTRY_PUSH"
insecure = true
CONF
  )
  if [ -f "$f" ] && [ "$(cat "$f")" = "$want" ]; then say "podman: $f up to date"; return; fi
  mkdir -p "$(dirname "$f")"
  printf '%s\n' "$want" >"$f"
  say "podman: wrote $f (docker.io mirror and plain HTTP for $JANUS_REGISTRY_ADDR)"
}

podman_up() { curl -fsS -m 3 --unix-socket "$JANUS_PODMAN_SOCKET" -o /dev/null http://d/_ping 2>/dev/null; }

ensure_podman_service() {
  if podman_up; then say "podman: API socket already answering at $JANUS_PODMAN_SOCKET"; return; fi
  mkdir -p "$(dirname "$JANUS_PODMAN_SOCKET")" "$JANUS_STATE_DIR" "$JANUS_LOG_DIR"
  rm -f "$JANUS_PODMAN_SOCKET"
  setsid nohup podman system service --time=0 "unix://$JANUS_PODMAN_SOCKET" >>"$JANUS_LOG_DIR/podman.log" 2>&1 </dev/null &
  echo $! >"$JANUS_STATE_DIR/podman.pid"
  local i
  for i in $(seq 1 50); do podman_up && break; sleep 0.2; done
  podman_up || die "podman system service did not start; see $JANUS_LOG_DIR/podman.log"
  say "podman: API socket started at $JANUS_PODMAN_SOCKET (log $JANUS_LOG_DIR/podman.log; stop: kill \$(cat $JANUS_STATE_DIR/podman.pid))"
}

ensure_podman() {
  ensure_apt_packages podman buildah skopeo
  ensure_podman_containers_conf
  ensure_podman_registries_conf
  ensure_podman_service
}
