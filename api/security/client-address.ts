/**
 * Who is asking, for rate limits: the client address behind our own proxies, and the key its
 * bucket goes by.
 */
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The client address from X-Forwarded-For behind `trustedHops` proxies of ours. Each proxy
 * appends the address it received from, so the entries a client wrote come first: counting from
 * the right, the last proxy's entry is the client's, the ones after it our inner proxies'.
 * Null when there is nothing to go by (no header, or no trusted hops).
 */
export function forwardedClient(forwardedFor: string | undefined, trustedHops: number): string | null {
  if (!forwardedFor || trustedHops < 1) return null;
  const entries = forwardedFor
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  // Fewer entries than proxies: all were written by ours, the first by the outermost.
  return entries[Math.max(0, entries.length - trustedHops)]!;
}

/**
 * The rate-limit key of an address: IPv4 as it is, IPv6 by its /64 (one subscriber's network,
 * however many addresses it hands out), IPv4-mapped IPv6 as the IPv4 it maps. Anything else
 * (not an address) as it came, bounded.
 */
export function addressKey(address: string): string {
  let host = address.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) host = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(host)) host = host.slice(0, host.lastIndexOf(':'));
  host = host.replace(/%.*$/, '').toLowerCase(); // a zone id says nothing about the sender
  if (isIPv4(host)) return host;
  if (!isIPv6(host)) return address.slice(0, 64);
  const groups = ipv6Groups(host);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  return tail === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** The anonymous token bucket's key for a client address. */
export const addressBucket = (clientIp: string) => `ip:${addressKey(clientIp)}`;
