import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';
import { parseIpLiteralHost } from './address-policy';

type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

const HOSTNAME = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/**
 * Hosts an operator trusts although they may be private, such as an internal image store:
 * hostnames are matched against the URL hostname, IP addresses and CIDR ranges against the
 * address actually connected to.
 */
export class HostAllowList {
  private constructor(
    private readonly hostnames: ReadonlySet<string>,
    private readonly networks: readonly Network[],
  ) {}

  /** Throws on an entry that is neither a hostname, an IP address nor a CIDR range. */
  static parse(entries: readonly string[]): HostAllowList {
    const hostnames = new Set<string>();
    const networks: Network[] = [];
    for (const entry of entries) {
      const parsed = parseEntry(entry);
      if (typeof parsed === 'string') hostnames.add(parsed);
      else networks.push(parsed);
    }
    return new HostAllowList(hostnames, networks);
  }

  allowsHostname(hostname: string): boolean {
    return this.hostnames.has(normalizeHostname(hostname));
  }

  allowsAddress(address: string): boolean {
    if (isIP(address) === 0) return false;
    const parsed = ipaddr.parse(address);
    // Let an IPv4 entry such as 127.0.0.1 also cover the ::ffff:127.0.0.1 a dual-stack lookup returns.
    const candidates = [parsed, ipaddr.process(address)];
    return this.networks.some((network) =>
      candidates.some(
        (candidate) => candidate.kind() === network[0].kind() && candidate.match(network),
      ),
    );
  }
}

function parseEntry(entry: string): string | Network {
  const normalized = normalizeHostname(entry.trim());
  const invalid = new Error(
    `Invalid allowed host "${entry}": expected a hostname, an IP address or a CIDR range`,
  );
  if (normalized.includes('/')) {
    const address = normalized.slice(0, normalized.lastIndexOf('/'));
    if (isIP(address) === 0 || !ipaddr.isValidCIDR(normalized)) throw invalid;
    return ipaddr.parseCIDR(normalized);
  }
  let literal: string | null;
  try {
    literal = parseIpLiteralHost(normalized);
  } catch {
    throw invalid;
  }
  if (literal !== null) {
    const address = ipaddr.parse(literal);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  }
  if (!HOSTNAME.test(normalized)) throw invalid;
  return normalized;
}

function normalizeHostname(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}
