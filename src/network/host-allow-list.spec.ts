import { HostAllowList } from './host-allow-list';

describe('HostAllowList', () => {
  it('matches a hostname regardless of case and a trailing dot, but not its subdomains', () => {
    const allowList = HostAllowList.parse(['Images.Internal']);

    expect(allowList.allowsHostname('images.internal')).toBe(true);
    expect(allowList.allowsHostname('IMAGES.INTERNAL.')).toBe(true);
    expect(allowList.allowsHostname('evil.images.internal')).toBe(false);
    expect(allowList.allowsHostname('images.internal.evil')).toBe(false);
  });

  it('does not treat a hostname entry as an address', () => {
    const allowList = HostAllowList.parse(['images.internal']);

    expect(allowList.allowsAddress('10.0.0.1')).toBe(false);
  });

  it('matches an IPv4 entry against the address and its IPv4-mapped form', () => {
    const allowList = HostAllowList.parse(['127.0.0.1']);

    expect(allowList.allowsAddress('127.0.0.1')).toBe(true);
    expect(allowList.allowsAddress('::ffff:7f00:1')).toBe(true);
    expect(allowList.allowsAddress('127.0.0.2')).toBe(false);
    expect(allowList.allowsAddress('::1')).toBe(false);
  });

  it('matches CIDR ranges of either family', () => {
    const allowList = HostAllowList.parse(['10.0.0.0/8', 'fd00::/8']);

    expect(allowList.allowsAddress('10.1.2.3')).toBe(true);
    expect(allowList.allowsAddress('11.0.0.1')).toBe(false);
    expect(allowList.allowsAddress('fd12::1')).toBe(true);
    expect(allowList.allowsAddress('fc00::1')).toBe(false);
  });

  it('reads IP entries in the forms a URL host takes', () => {
    const allowList = HostAllowList.parse(['[::1]', '2130706433']);

    expect(allowList.allowsAddress('::1')).toBe(true);
    expect(allowList.allowsAddress('127.0.0.1')).toBe(true);
  });

  it.each(['10.0.0.0/33', 'example.com/24', 'http://example.com', '1.2.3.256', 'foo bar', ''])(
    'rejects the entry %j at start-up',
    (entry) => {
      expect(() => HostAllowList.parse([entry])).toThrow(`Invalid allowed host "${entry}"`);
    },
  );
});
