# Sourced by the entry scripts: installs node dependencies when the lock file's content differs from what was
# last installed. Content, not mtime: a fresh clone makes package-lock.json newer than any install.
ensure_node_deps() {
  local stamp=node_modules/.janus-lock-sha256 want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d node_modules/.bin ]; then
    return 0
  fi
  echo "[janus] installing node dependencies (npm ci)"
  # The stamp goes first and comes back only after a whole install: callers run this inside `&&` lists,
  # where set -e does not apply, and a failed or interrupted npm ci must not count as installed.
  rm -f "$stamp"
  npm ci --no-audit --no-fund --loglevel=error || return $?
  echo "$want" >"$stamp"
}
