#!/usr/bin/env bash
# Janus engine bootstrap: makes this machine able to build and run the generated containers.
#
# Idempotent: each step checks first and says whether it did anything. It changes the machine only
# as far as it must: the Docker Hub mirror and the base-image stand-ins are set up only when Docker Hub
# is unreachable, and a dockerd that Janus did not start is never restarted behind the user's back.
#
# Environment:
#   JANUS_CACHE_DIR      where registry storage and rootfs tarballs live (default /var/cache/janus; outside any clone)
#   JANUS_REGISTRY_ADDR  local registry address (default 127.0.0.1:5000)
#   JANUS_BASE_ARCHES    architectures to build stand-in base images for (default "amd64 arm64")
#   JANUS_FORCE_MIRROR   1 = set up the mirror even if Docker Hub answers (tests of this script)
#   JANUS_ENGINE         podman = also install and start Podman (its Docker-compatible socket) beside dockerd
#   JANUS_WITH_PODMAN    1 = the same whatever JANUS_ENGINE says (CI runs the specs on both engines)
#   JANUS_PODMAN_SOCKET  where Podman's API socket listens (default /run/podman/podman.sock)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/podman.sh
. "$here/lib/podman.sh"
require_debian_root
# This machine's build settings (host network, CA bundle), for the base images it builds with docker-build.
# shellcheck source=../this-machine.sh
. "$here/../this-machine.sh"
ensure_apt_packages docker.io qemu-user-static binfmt-support docker-registry debootstrap curl apache2-utils
ensure_compose
ensure_binfmt_arm64
ensure_registry
ensure_mirror_config
ensure_dockerd
if [ "${JANUS_ENGINE:-}" = podman ] || [ "${JANUS_WITH_PODMAN:-0}" = 1 ]; then ensure_podman; fi
if [ "$JANUS_MIRROR" = 1 ]; then
  # The stand-ins are built by the plugin's own docker-build target, which needs the node dependencies.
  (cd "$REPO_ROOT" && . tools/ensure-node-deps.sh && ensure_node_deps)
  ensure_stand_ins base-python:python:3.11-slim base-node:node:20-slim
else
  say "Docker Hub is reachable: base images come from there, no stand-ins needed"
fi
say "ready: engine $(docker_cli version --format '{{.Server.Version}}'), registry http://$JANUS_REGISTRY_ADDR"
