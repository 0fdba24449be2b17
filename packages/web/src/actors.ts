const KEY_PREFIX = "apikey:";

/**
 * Who did something, as people read it. The server records an API key's actions as
 * `apikey:<the key's name>`; the workspace shows the name (`apikey:ci-bot` → `ci-bot`).
 */
export function actorName(actor: string): string {
  return actor.startsWith(KEY_PREFIX) ? actor.slice(KEY_PREFIX.length) : actor;
}
