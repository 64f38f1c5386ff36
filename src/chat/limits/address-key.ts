// The key an address is counted under: the socket's own remote address (never a header a client
// can write). IPv4 as is (also when Node shows it IPv4-mapped), IPv6 by its /64 prefix: one
// IPv6 host usually owns a whole /64 and could otherwise pick a fresh address per connection.
import { isIP, isIPv6 } from 'node:net';

export function addressKey(remote: string | undefined): string {
  if (!remote) return 'unknown';
  if (remote.startsWith('::ffff:') && remote.includes('.')) return remote.slice(7);
  if (!isIPv6(remote)) return remote;
  return `${expandIPv6(remote).slice(0, 4).join(':')}::/64`;
}

/**
 * The client's address: the socket's, unless the socket comes from a trusted proxy
 * (`--trust-proxy`); then the right-most X-Forwarded-For entry that is not itself a trusted proxy
 * (entries further left are the client's to write).
 */
export function clientAddress(
  remote: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: ReadonlySet<string> | undefined,
): string | undefined {
  if (!trusted || trusted.size === 0 || remote === undefined || !trusted.has(plain(remote))) return remote;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((h) => plain(h.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) return remote; // garbage: count the proxy, not a made-up address
    if (!trusted.has(hop)) return hop;
  }
  return remote;
}

/** An address as written in a trust list: IPv4-mapped IPv6 as IPv4. */
export function plain(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** The eight groups of an IPv6 address, without leading zeros ("::" expanded). */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => g.replace(/^0+(?=.)/, '').toLowerCase());
}
