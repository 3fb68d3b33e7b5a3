/**
 * The compose files janus looks for at a project's root, in compose's own order of preference. A module of its
 * own so the plugin entry can find a compose file on a warm graph without loading the YAML parser.
 */
export const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
