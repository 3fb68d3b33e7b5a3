# Shared steps of the engine bootstrap. Sourced, not run.
# Every ensure_* step checks before it acts and prints one line saying what it found or did.

JANUS_CACHE_DIR=${JANUS_CACHE_DIR:-/var/cache/janus}
JANUS_REGISTRY_ADDR=${JANUS_REGISTRY_ADDR:-127.0.0.1:5000}
JANUS_REGISTRY_PUSH=${JANUS_REGISTRY_PUSH:-localhost:${JANUS_REGISTRY_ADDR##*:}}
JANUS_BASE_ARCHES=${JANUS_BASE_ARCHES:-amd64 arm64}
JANUS_STATE_DIR=${JANUS_STATE_DIR:-/var/run/janus}
JANUS_LOG_DIR=${JANUS_LOG_DIR:-/var/log/janus}
JANUS_MIRROR=0
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
export DOCKER_BUILDKIT=1

say() { printf '[bootstrap] %s\n' "$*"; }
die() { printf '[bootstrap] error: %s\n' "$*" >&2; exit 1; }

# Debian's 20.10 client builds with BuildKit without the buildx plugin; a newer client without buildx cannot.
docker_cli() {
  if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else docker "$@"; fi
}

require_debian_root() {
  if [ ! -f /etc/debian_version ]; then
    die "this bootstrap installs with apt and supports Debian 12 (bookworm) only.
  On another system install yourself: Docker Engine 20.10+ with BuildKit, qemu-user-static with binfmt
  registration for arm64, a CNCF distribution registry (registry:2) on ${JANUS_REGISTRY_ADDR}, and Node 20;
  then run 'npm test'."
  fi
  if [ "$(id -u)" != 0 ]; then
    die "run as root (it installs Debian packages and starts dockerd), e.g. 'sudo npm run demo'.
  Without root, install these yourself: apt-get install -y docker.io qemu-user-static binfmt-support docker-registry debootstrap docker-compose"
  fi
}

ensure_apt_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then say "packages: all present"; return; fi
  say "packages: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# compose for the workspace's compose-up/compose-down: the client's compose plugin (v2) when it has one;
# Debian 12 packages no plugin (no docker-compose-plugin or docker-compose-v2), so else its docker-compose 1.29.
ensure_compose() {
  if docker compose version >/dev/null 2>&1; then say "compose: the docker compose plugin is present"; return; fi
  ensure_apt_packages docker-compose
  say "compose: $(docker-compose version --short 2>/dev/null || echo missing) (docker-compose)"
}

ensure_binfmt_arm64() {
  [ "$(uname -m)" = aarch64 ] && { say "binfmt: native arm64, no emulation needed"; return; }
  if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
  fi
  if [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && grep -q enabled /proc/sys/fs/binfmt_misc/qemu-aarch64; then
    say "binfmt: qemu-aarch64 already registered"
  else
    update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || update-binfmts --enable >/dev/null 2>&1 || true
    grep -q enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null \
      || die "could not register qemu-aarch64 with binfmt_misc (is /proc/sys/fs/binfmt_misc mountable here?)"
    say "binfmt: registered qemu-aarch64"
  fi
}

registry_up() { curl -fsS -m 3 -o /dev/null "http://${JANUS_REGISTRY_ADDR}/v2/" 2>/dev/null; }

ensure_registry() {
  if registry_up; then say "registry: already answering on ${JANUS_REGISTRY_ADDR}"; return; fi
  mkdir -p "$JANUS_CACHE_DIR/registry" "$JANUS_STATE_DIR" "$JANUS_LOG_DIR"
  local cfg="$JANUS_CACHE_DIR/registry-config.yml"
  # Debian's packaged config turns on htpasswd auth; this one serves loopback only, with deletes allowed
  # so tests can clean up what they push.
  cat >"$cfg" <<YAML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $JANUS_CACHE_DIR/registry }
  delete: { enabled: true }
http:
  addr: $JANUS_REGISTRY_ADDR
YAML
  setsid nohup docker-registry serve "$cfg" >>"$JANUS_LOG_DIR/registry.log" 2>&1 </dev/null &
  echo $! >"$JANUS_STATE_DIR/registry.pid"
  local i
  for i in $(seq 1 50); do registry_up && break; sleep 0.2; done
  registry_up || die "the registry did not start; see $JANUS_LOG_DIR/registry.log"
  say "registry: started on ${JANUS_REGISTRY_ADDR}, storage $JANUS_CACHE_DIR/registry (stop: kill \$(cat $JANUS_STATE_DIR/registry.pid))"
}

docker_hub_reachable() {
  [ "${JANUS_FORCE_MIRROR:-0}" = 1 ] && return 1
  local code
  code=$(curl -sS -m 5 -o /dev/null -w '%{http_code}' https://registry-1.docker.io/v2/ 2>/dev/null || true)
  [ "$code" = 401 ] || [ "$code" = 200 ]
}

ensure_mirror_config() {
  local mirror="http://${JANUS_REGISTRY_ADDR}"
  if docker_hub_reachable; then JANUS_MIRROR=0; say "mirror: Docker Hub reachable, leaving /etc/docker/daemon.json alone"; return; fi
  JANUS_MIRROR=1
  mkdir -p /etc/docker
  local f=/etc/docker/daemon.json
  if [ -f "$f" ] && node -e 'const c=JSON.parse(require("fs").readFileSync(process.argv[1]));process.exit((c["registry-mirrors"]||[]).includes(process.argv[2])?0:1)' "$f" "$mirror"; then
    say "mirror: $f already lists $mirror"
    return
  fi
  [ -f "$f" ] && [ ! -f "$f.janus-backup" ] && cp "$f" "$f.janus-backup"
  node -e '
    const fs=require("fs"); const [f,m]=process.argv.slice(1);
    const c=fs.existsSync(f)?JSON.parse(fs.readFileSync(f,"utf8")):{};
    c["registry-mirrors"]=[m,...(c["registry-mirrors"]||[]).filter(x=>x!==m)];
    fs.writeFileSync(f,JSON.stringify(c,null,2)+"\n");' "$f" "$mirror"
  say "mirror: Docker Hub unreachable, added $mirror to registry-mirrors in $f (undo: restore $f.janus-backup or delete the entry)"
}

dockerd_up() { docker_cli info >/dev/null 2>&1; }

# A daemon killed without cleanup (a machine's session ending, kill -9) leaves its pid file, and dockerd
# refuses to start while that pid exists, even as a zombie. Only a file whose process is gone or a zombie
# is removed; a live daemon's is left alone.
clear_stale_pidfile() {
  local f=$1 pid state
  [ -f "$f" ] || return 0
  pid=$(cat "$f" 2>/dev/null || true)
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
  if [ -z "$pid" ] || [ -z "$state" ] || [ "$state" = Z ]; then
    rm -f "$f"
    say "dockerd: removed stale pid file $f (pid ${pid:-?} is gone)"
  fi
}

ensure_dockerd() {
  local mirror="http://${JANUS_REGISTRY_ADDR}/"
  if dockerd_up; then
    if [ "$JANUS_MIRROR" = 1 ] && ! docker_cli info --format '{{json .RegistryConfig.Mirrors}}' | grep -q "$mirror"; then
      # registry-mirrors is one of dockerd's live-reloadable options: SIGHUP applies it without
      # stopping running containers, so a dockerd Janus did not start is reloaded, never restarted.
      local pid; pid=$(pgrep -xo dockerd || true)
      [ -n "$pid" ] || die "dockerd answers but its process was not found; restart it yourself so it reads /etc/docker/daemon.json"
      kill -HUP "$pid"
      sleep 1
      say "dockerd: reloaded (SIGHUP to pid $pid) to pick up the registry mirror; running containers were not touched"
    else
      say "dockerd: already running"
    fi
    return
  fi
  mkdir -p "$JANUS_STATE_DIR" "$JANUS_LOG_DIR"
  clear_stale_pidfile /var/run/docker.pid
  clear_stale_pidfile /var/run/docker/containerd/containerd.pid
  setsid nohup dockerd >>"$JANUS_LOG_DIR/dockerd.log" 2>&1 </dev/null &
  echo $! >"$JANUS_STATE_DIR/dockerd.pid"
  local i
  for i in $(seq 1 60); do dockerd_up && break; sleep 0.5; done
  dockerd_up || die "dockerd did not start; see $JANUS_LOG_DIR/dockerd.log"
  say "dockerd: started (log $JANUS_LOG_DIR/dockerd.log; stop: kill \$(cat $JANUS_STATE_DIR/dockerd.pid))"
}

# The apt mirror this machine is configured with, so debootstrap uses the same source apt does.
apt_mirror() {
  local uri
  uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  [ -n "$uri" ] || uri=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list*"
  echo "$uri"
}

# The root filesystem of one stand-in for one architecture, built from Debian packages by its project's recipe
# (containers/base-images/<name>/rootfs.sh) once per recipe content and cached outside any clone, since it takes
# minutes. Prints the tarball's path; progress goes to stderr.
stand_in_rootfs() { # name tag arch
  local name=$1 tag=$2 arch=$3
  local recipe="$REPO_ROOT/containers/base-images/$name/rootfs.sh"
  [ -f "$recipe" ] || die "no recipe $recipe"
  local tarball
  tarball="$JANUS_CACHE_DIR/rootfs/$name-$tag-$arch-$(sha256sum "$recipe" | cut -c1-12).tar"
  mkdir -p "$JANUS_CACHE_DIR/rootfs" "$JANUS_LOG_DIR"
  if [ ! -s "$tarball" ]; then
    say "base $name:$tag ($arch): building the root filesystem from Debian packages (minutes; cached in $tarball)" >&2
    local t0=$SECONDS
    bash "$recipe" "$arch" "$tarball" "$(apt_mirror)" >>"$JANUS_LOG_DIR/rootfs-$name-$arch.log" 2>&1 \
      || die "root filesystem for $name ($arch) failed; see $JANUS_LOG_DIR/rootfs-$name-$arch.log"
    say "base $name:$tag ($arch): root filesystem ready in $((SECONDS - t0)) s" >&2
  fi
  echo "$tarball"
}

# Whether the registry serves <name>:<tag> as a manifest list with an image for each architecture.
stand_in_present() { # name tag
  local list arch
  list=$(curl -fsS -m 10 -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
    -H 'Accept: application/vnd.oci.image.index.v1+json' "http://${JANUS_REGISTRY_ADDR}/v2/library/$1/manifests/$2" 2>/dev/null) || return 1
  for arch in $JANUS_BASE_ARCHES; do
    printf '%s' "$list" | tr -d ' \n' | grep -q "\"architecture\":\"$arch\"" || return 1
  done
}

# The stand-ins are workspace projects (containers/base-images/*): they are built and published by their own
# docker-build target, exactly as the images built FROM them are, and only when the registry lacks them here;
# later recipe changes reach the registry through the project graph (what is built FROM them depends on them).
ensure_stand_ins() { # project:name:tag ...
  local missing=() spec project name tag
  for spec in "$@"; do
    IFS=: read -r project name tag <<<"$spec"
    if stand_in_present "$name" "$tag"; then say "base $name:$tag: present in the registry ($JANUS_BASE_ARCHES)"; else missing+=("$project"); fi
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  local platforms
  platforms=$(printf 'linux/%s,' $JANUS_BASE_ARCHES)
  say "base images: building ${missing[*]} with their docker-build targets"
  (cd "$REPO_ROOT" && npm run -s build:plugin >/dev/null \
    && NX_DAEMON=false NX_TUI=false npx nx run-many -t docker-build -p "$(IFS=,; echo "${missing[*]}")" \
      --registry="$JANUS_REGISTRY_PUSH" --platforms="${platforms%,}" --output-style=stream) \
    || die "building the base images failed (see the output above)"
  for spec in "$@"; do
    IFS=: read -r project name tag <<<"$spec"
    stand_in_present "$name" "$tag" || die "base $name:$tag is still missing from the registry after its build"
  done
}
