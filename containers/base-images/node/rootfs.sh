#!/usr/bin/env bash
# Root filesystem for the node:20-slim stand-in: Debian bookworm minbase plus Node 20 and npm from the npm
# registry's per-arch node packages (the only Node builds reachable here). Usage: rootfs.sh <arch> <out.tar> <debian-mirror>
set -euo pipefail
arch=$1 out=$2 mirror=$3
node_version=${JANUS_NODE_VERSION:-20.20.2}
case "$arch" in amd64) npm_arch=x64 ;; arm64) npm_arch=arm64 ;; *) echo "unsupported arch $arch" >&2; exit 2 ;; esac
dir=$(mktemp -d /var/tmp/janus-rootfs-node-XXXX)
pkgs=$(mktemp -d)
trap 'rm -rf "$dir" "$pkgs"' EXIT
debootstrap --variant=minbase --arch="$arch" --include=ca-certificates bookworm "$dir" "$mirror"
(cd "$pkgs" && npm pack --silent "node-linux-$npm_arch@$node_version" "npm@10" >/dev/null)
mkdir -p "$pkgs/node" "$dir/usr/local/lib/node_modules/npm"
tar -xzf "$pkgs"/node-linux-*.tgz -C "$pkgs/node"
install -m 0755 "$pkgs/node/package/bin/node" "$dir/usr/local/bin/node"
tar -xzf "$pkgs"/npm-*.tgz -C "$dir/usr/local/lib/node_modules/npm" --strip-components=1
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$dir/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$dir/usr/local/bin/npx"
# The official image has a "node" user with uid 1000; runtime images rely on that uid being free or known.
chroot "$dir" /usr/sbin/groupadd --gid 1000 node 2>/dev/null || echo 'node:x:1000:' >>"$dir/etc/group"
chroot "$dir" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node 2>/dev/null \
  || { echo 'node:x:1000:1000::/home/node:/bin/bash' >>"$dir/etc/passwd"; mkdir -p "$dir/home/node"; chown 1000:1000 "$dir/home/node"; }
rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/log/* "$dir"/usr/share/doc/* "$dir"/usr/share/man/*
tar -C "$dir" --numeric-owner -cf "$out.partial" .
mv "$out.partial" "$out"
