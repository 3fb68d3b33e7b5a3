# Sourced by the entry scripts: installs node dependencies when the lockfile is newer than the install.
ensure_node_deps() {
  local stamp=node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    echo "[janus] installing node dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}
