// Direction-independent flow keys (as gopacket's flows.go: both directions of a connection
// give the same key) and the guess of who is the client when the SYN was not captured.
import type { Endpoint } from '../events.js';

/** The same key for a→b and b→a. */
export function flowKey(a: Endpoint, b: Endpoint): string {
  return flowKeyOf(a.ip, a.port, b.ip, b.port);
}

/** flowKey of the addresses as text and numbers (no Endpoint objects needed). */
export function flowKeyOf(aIp: string, aPort: number, bIp: string, bPort: number): string {
  const aFirst = aIp < bIp || (aIp === bIp && aPort <= bPort);
  return aFirst ? aIp + '|' + aPort + '|' + bIp + '|' + bPort : bIp + '|' + bPort + '|' + aIp + '|' + aPort;
}

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && a.ip === b.ip;
}

/** First port of the Linux ephemeral range (net.ipv4.ip_local_port_range starts at 32768). */
export const EPHEMERAL_PORT_MIN = 32768;

/**
 * For a connection picked up mid-stream: is `a` (the sender of the first packet seen) the
 * client? An ephemeral port (≥ 32768) talking to a lower port is a client; otherwise the
 * higher port is the client (servers listen on low, well-known ports).
 */
export function guessAIsClient(a: Endpoint, b: Endpoint): boolean {
  const aEph = a.port >= EPHEMERAL_PORT_MIN && a.port > b.port;
  const bEph = b.port >= EPHEMERAL_PORT_MIN && b.port > a.port;
  if (aEph !== bEph) return aEph;
  // Equal ports tell nothing: the first sender is taken as the client.
  return a.port >= b.port;
}
