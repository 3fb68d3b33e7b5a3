import { TestRegistry } from './test-registry';

/** A throwaway registry with htpasswd (Basic) auth: for tests of what happens when a registry challenges or refuses. */
export class AuthRegistry extends TestRegistry {
  constructor(
    port: number,
    readonly username = 'janus',
    readonly password = 'correct-horse',
  ) {
    super({ port, auth: { username, password } });
  }
}
