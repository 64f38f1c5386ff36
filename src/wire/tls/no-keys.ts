// What to tell a user whose TLS traffic stays encrypted: where the session secrets come from.

/** The TLS_NO_KEYS message: why, which session, and how to get the keys. */
export function noKeysMessage(why: string, clientRandom: Buffer | undefined): string {
  const session = clientRandom ? ` (client random ${clientRandom.toString('hex').slice(0, 16)}…)` : '';
  return (
    `TLS records not decrypted: ${why}${session}. ` +
    'Give the session secrets with --keylog FILE (NSS key log format): ' +
    'Chromium, Firefox and curl write them when started with SSLKEYLOGFILE=FILE; ' +
    'node with --tls-keylog=FILE; wirechat serve with --tls-keylog FILE.'
  );
}
