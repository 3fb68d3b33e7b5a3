#!/usr/bin/env bash
# Root filesystem for the python:3.11-slim stand-in: Debian bookworm's Python 3.11 plus the packages the
# generated servers import, since PyPI is unreachable here. Usage: rootfs.sh <arch> <out.tar> <debian-mirror>
set -euo pipefail
arch=$1 out=$2 mirror=$3
dir=$(mktemp -d /var/tmp/janus-rootfs-python-XXXX)
trap 'rm -rf "$dir"' EXIT
debootstrap --variant=minbase --arch="$arch" \
  --include=ca-certificates,python3,python3-pip,python3-venv,python3-setuptools,python3-wheel,python3-fastapi,python3-uvicorn,python3-httpx,python3-pydantic \
  bookworm "$dir" "$mirror"
# Behave like the official image: pip may install into environments, and `python` exists.
rm -f "$dir"/usr/lib/python3.11/EXTERNALLY-MANAGED
ln -sf python3 "$dir/usr/bin/python"
# Debian's fastapi 0.92 metadata asks for starlette<0.26 while Debian ships 0.26.1 (which works); relax it so
# pip sees a consistent environment instead of trying to reach an index.
sed -i -E 's/^(Requires-Dist: starlette.*)<0\.26\.0/\1<0.27.0/' "$dir"/usr/lib/python3/dist-packages/fastapi-*/METADATA
rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/log/* "$dir"/usr/share/doc/* "$dir"/usr/share/man/*
tar -C "$dir" --numeric-owner -cf "$out.partial" .
mv "$out.partial" "$out"
