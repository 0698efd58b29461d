/**
 * Which IP addresses an outgoing request may connect to: only public unicast ones.
 *
 * The verdict starts from the ipaddr.js range name and adds what that name alone misses:
 * IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64, 6to4, Teredo) are judged by the
 * IPv4 address they carry, because a dual-stack host or a translator delivers the packets there;
 * and IPv6 addresses outside 2000::/3 count as reserved, since ipaddr.js calls addresses such as
 * the deprecated IPv4-compatible ::7f00:1 'unicast'.
 */
import ipaddr from 'ipaddr.js';
import { isIPv4, isIPv6 } from 'node:net';

/** An IPv6 form that carries an IPv4 address. */
export type IPv4Embedding =
  'ipv4Mapped' | 'ipv4Translated' | 'nat64' | '6to4' | 'teredoServer' | 'teredoClient';

export interface EmbeddedIPv4 {
  readonly embedding: IPv4Embedding;
  readonly ipv4: string;
}

export interface AddressClassification {
  /** The address in canonical form, or as given when it is not an IP address. */
  readonly address: string;
  /** The range that decided the verdict: an ipaddr.js range name such as 'loopback', or 'invalid'. */
  readonly range: string;
  /** The IPv4 address carried by an IPv6 address, when that IPv4 address decided the verdict. */
  readonly embedded?: EmbeddedIPv4;
  readonly isPublic: boolean;
}

const GLOBAL_UNICAST_IPV6 = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN_PREFIX = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/** Classifies an IP address written as Node's `net.isIP` accepts it; anything else is 'invalid'. */
export function classifyAddress(address: string): AddressClassification {
  if (isIPv4(address)) return classifyIPv4(ipaddr.IPv4.parse(address));
  if (isIPv6(address)) return classifyIPv6(ipaddr.IPv6.parse(address));
  return { address, range: 'invalid', isPublic: false };
}

/** A short human description of a classification, e.g. 'loopback 127.0.0.1 via ipv4Mapped'. */
export function describeClassification(classification: AddressClassification): string {
  const { range, embedded } = classification;
  return embedded ? `${range} ${embedded.ipv4} via ${embedded.embedding}` : range;
}

function classifyIPv4(ip: ipaddr.IPv4): AddressClassification {
  const range = ip.range();
  return { address: ip.toString(), range, isPublic: range === 'unicast' };
}

function classifyIPv6(ip: ipaddr.IPv6): AddressClassification {
  const address = ip.toString();
  const range = ip.range();
  const embeddedAddresses = findEmbeddedIPv4(ip, range);
  if (embeddedAddresses.length > 0) {
    for (const embedded of embeddedAddresses) {
      const inner = ipaddr.IPv4.parse(embedded.ipv4).range();
      if (inner !== 'unicast') return { address, range: inner, embedded, isPublic: false };
    }
    return { address, range: 'unicast', embedded: embeddedAddresses[0], isPublic: true };
  }
  if (range !== 'unicast') return { address, range, isPublic: false };
  if (!ip.match(GLOBAL_UNICAST_IPV6)) return { address, range: 'reserved', isPublic: false };
  return { address, range, isPublic: true };
}

function findEmbeddedIPv4(ip: ipaddr.IPv6, range: string): EmbeddedIPv4[] {
  const [, second, third, fourth, , , seventh, eighth] = ip.parts;
  switch (range) {
    case 'ipv4Mapped':
      return [{ embedding: 'ipv4Mapped', ipv4: ipv4FromParts(seventh, eighth) }];
    case 'rfc6145':
      return [{ embedding: 'ipv4Translated', ipv4: ipv4FromParts(seventh, eighth) }];
    case 'rfc6052':
      // Only the well-known /96 prefix puts the IPv4 address in the last 32 bits; the local-use
      // prefix 64:ff9b:1::/48 stays refused as 'rfc6052'.
      return ip.match(NAT64_WELL_KNOWN_PREFIX)
        ? [{ embedding: 'nat64', ipv4: ipv4FromParts(seventh, eighth) }]
        : [];
    case '6to4':
      return [{ embedding: '6to4', ipv4: ipv4FromParts(second, third) }];
    case 'teredo':
      // RFC 4380: 2001:0:<server IPv4>:<flags>:<port>:<client IPv4 with every bit inverted>.
      return [
        { embedding: 'teredoServer', ipv4: ipv4FromParts(third, fourth) },
        { embedding: 'teredoClient', ipv4: ipv4FromParts(seventh ^ 0xffff, eighth ^ 0xffff) },
      ];
    default:
      return [];
  }
}

function ipv4FromParts(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/**
 * The IP address a URL host denotes, in the form `net.connect` takes (IPv6 without brackets), or
 * null when the host is a domain name. WHATWG URL does the reading, so `2130706433`, `0x7f.1` and
 * `0177.0.0.1` all denote 127.0.0.1, as they do for the URL the request was made from. Throws a
 * TypeError for a host that WHATWG URL rejects, such as `1.2.3.256`.
 */
export function parseIpLiteralHost(host: string): string | null {
  const bracketed = host.startsWith('[') && host.endsWith(']');
  const bare = bracketed ? host.slice(1, -1) : host;
  if (isIPv6(bare) && !(bracketed && bare.includes('%'))) return ipaddr.IPv6.parse(bare).toString();
  // Anything that would end the host inside a URL is not part of a host.
  if (/[\s:/?#@\\[\]]/.test(host)) {
    if (bracketed) throw new TypeError(`Invalid IPv6 host: ${host}`);
    return null;
  }
  if (!URL.canParse(`http://${host}/`)) throw new TypeError(`Invalid host: ${host}`);
  const { hostname } = new URL(`http://${host}/`);
  return isIPv4(hostname) ? hostname : null;
}
