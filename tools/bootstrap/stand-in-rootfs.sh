#!/usr/bin/env bash
# The `rootfs` target of a stand-in base-image project: puts each architecture's root filesystem tarball into
# the project directory as rootfs-<arch>.tar (a hard link into the cache outside the clone, so no copy of
# ~250 MB per arch), where its Dockerfile ADDs it from. Usage: stand-in-rootfs.sh <name> <tag> <project-dir>
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
name=$1 tag=$2 dir=$3
[ -d "$dir" ] || die "no project directory $dir"
for arch in $JANUS_BASE_ARCHES; do
  tarball=$(stand_in_rootfs "$name" "$tag" "$arch")
  if [ ! "$tarball" -ef "$dir/rootfs-$arch.tar" ]; then
    rm -f "$dir/rootfs-$arch.tar.partial"
    ln "$tarball" "$dir/rootfs-$arch.tar.partial" 2>/dev/null || cp "$tarball" "$dir/rootfs-$arch.tar.partial"
    mv -f "$dir/rootfs-$arch.tar.partial" "$dir/rootfs-$arch.tar"
  fi
  say "base $name:$tag ($arch): $dir/rootfs-$arch.tar"
done
