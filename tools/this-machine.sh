# Sourced by the workspace's scripts: exports each setting of tools/this-machine.env that the environment
# does not already give.
this_machine_env() {
  local key value
  while IFS='=' read -r key value; do
    case "$key" in '' | '#'*) continue ;; esac
    if [ -z "${!key:-}" ]; then export "$key=$value"; fi
  done <"$(dirname "${BASH_SOURCE[0]}")/this-machine.env"
}
this_machine_env
