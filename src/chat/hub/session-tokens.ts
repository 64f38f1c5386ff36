// Session tokens of wirechat's dialect: 128 random bits, handed to the client once (in its first
// `welcome`) and presented again to take the same identity back after a reload or a dropped
// connection. Only a hash travels between nodes and sits in presence, so nothing that is shared or
// logged lets anyone else present the token.
import { createHash, randomBytes } from 'node:crypto';

export function newSessionToken(): string {
  return randomBytes(16).toString('base64url');
}

/** What presence keeps instead of the token (SHA-256 is enough: the token itself is random). */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 32);
}
