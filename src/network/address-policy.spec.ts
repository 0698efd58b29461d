import { classifyAddress, describeClassification, parseIpLiteralHost } from './address-policy';

/** The host of `http://<host>/` as WHATWG URL normalises it, without IPv6 brackets. */
function whatwgHostname(host: string): string {
  return new URL(`http://${host}/`).hostname.replace(/^\[(.*)\]$/, '$1');
}

describe('classifyAddress(...).isPublic', () => {
  it.each(['8.8.8.8', '1.1.1.1', '93.184.215.14', '2606:4700::1111', '2a00:1450:4001:80b::200e'])(
    'allows the public address %s',
    (address) => {
      expect(classifyAddress(address).isPublic).toBe(true);
    },
  );

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.254', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    // ipaddr.js calls these 'unicast'; they lie outside the global unicast block 2000::/3.
    ['::7f00:1', 'reserved'],
    ['4000::1', 'reserved'],
  ])('refuses %s as %s', (address, range) => {
    expect(classifyAddress(address).isPublic).toBe(false);
    expect(classifyAddress(address)).toMatchObject({ range, isPublic: false });
  });

  it.each([
    ['::ffff:10.0.0.1', 'private', 'ipv4Mapped', '10.0.0.1'],
    ['::ffff:127.0.0.1', 'loopback', 'ipv4Mapped', '127.0.0.1'],
    ['::ffff:a9fe:a9fe', 'linkLocal', 'ipv4Mapped', '169.254.169.254'],
    ['::ffff:100.64.0.1', 'carrierGradeNat', 'ipv4Mapped', '100.64.0.1'],
    ['::ffff:0:7f00:1', 'loopback', 'ipv4Translated', '127.0.0.1'],
    ['64:ff9b::7f00:1', 'loopback', 'nat64', '127.0.0.1'],
    ['64:ff9b::a9fe:a9fe', 'linkLocal', 'nat64', '169.254.169.254'],
    ['2002:7f00:1::', 'loopback', '6to4', '127.0.0.1'],
    ['2002:a00:1::1', 'private', '6to4', '10.0.0.1'],
    // Teredo client 127.0.0.1 (bits inverted: 80ff:fffe) behind the public server 65.54.227.120.
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback', 'teredoClient', '127.0.0.1'],
    // Teredo server 127.0.0.1 for the public client 8.8.8.8 (bits inverted: f7f7:f7f7).
    ['2001:0:7f00:1:8000:63bf:f7f7:f7f7', 'loopback', 'teredoServer', '127.0.0.1'],
  ])('refuses %s as the %s IPv4 address it hides', (address, range, embedding, ipv4) => {
    expect(classifyAddress(address).isPublic).toBe(false);
    expect(classifyAddress(address)).toMatchObject({
      range,
      embedded: { embedding, ipv4 },
      isPublic: false,
    });
  });

  it.each([
    ['::ffff:8.8.8.8', 'ipv4Mapped'],
    ['64:ff9b::808:808', 'nat64'],
    ['2002:808:808::1', '6to4'],
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'teredoServer'],
  ])('allows %s, which hides the public address 8.8.8.8 or 65.54.227.120', (address, embedding) => {
    expect(classifyAddress(address).isPublic).toBe(true);
    expect(classifyAddress(address).embedded?.embedding).toBe(embedding);
  });

  it('refuses the local-use NAT64 prefix, whose IPv4 position depends on the network', () => {
    expect(classifyAddress('64:ff9b:1::a00:1')).toEqual({
      address: '64:ff9b:1::a00:1',
      range: 'rfc6052',
      isPublic: false,
    });
  });

  it.each(['localhost', 'example.com', '2130706433', '0177.0.0.1', '127.1', '[::1]', ''])(
    'refuses %j, which is not an IP address in the form sockets take',
    (address) => {
      expect(classifyAddress(address)).toEqual({ address, range: 'invalid', isPublic: false });
    },
  );
});

describe('describeClassification', () => {
  it('names the range, and for an embedding the IPv4 address and how it is carried', () => {
    expect(describeClassification(classifyAddress('10.0.0.1'))).toBe('private');
    expect(describeClassification(classifyAddress('::ffff:127.0.0.1'))).toBe(
      'loopback 127.0.0.1 via ipv4Mapped',
    );
  });
});

describe('parseIpLiteralHost', () => {
  it.each([
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0X7F.1', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['0x7f.0x0.0.01', '127.0.0.1'],
    ['127.0.0.1.', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['0x.0x.0', '0.0.0.0'],
    ['1.0x', '1.0.0.0'],
    ['4294967295', '255.255.255.255'],
    ['169.254.169.254', '169.254.169.254'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
    ['[0:0:0:0:0:0:0:1]', '::1'],
    ['[64:ff9b::127.0.0.1]', '64:ff9b::7f00:1'],
  ])('reads %s as %s, as WHATWG URL does', (host, address) => {
    expect(parseIpLiteralHost(host)).toBe(address);
    expect(whatwgHostname(host)).toBe(address);
  });

  it('reads a bare IPv6 address, the form axios hands to the agent', () => {
    expect(parseIpLiteralHost('::ffff:127.0.0.1')).toBe('::ffff:7f00:1');
  });

  it.each(['example.com', 'public.example', 'localhost', 'example.com.', '1.example', 'a.0x7g'])(
    'returns null for the domain name %s',
    (host) => {
      expect(parseIpLiteralHost(host)).toBeNull();
      expect(whatwgHostname(host)).toBe(host);
    },
  );

  it.each(['1.2.3.256', '4294967296', '08.0.0.1', 'foo.1', '1.2.3.4.5', '0x100.1', '[1.2.3.4]'])(
    'throws for %s, which WHATWG URL also rejects',
    (host) => {
      expect(() => parseIpLiteralHost(host)).toThrow(TypeError);
      expect(() => whatwgHostname(host)).toThrow('Invalid URL');
    },
  );
});
