import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { PayloadFingerprint } from './payload-fingerprint';

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const chunks = (...parts: string[]): Readable =>
  Readable.from(parts.map((part) => Buffer.from(part)));

describe('PayloadFingerprint', () => {
  it('hashes the file as it streams past, however it is cut, and adds the webhook URL', async () => {
    const watched = new PayloadFingerprint();
    const passed: Buffer[] = [];
    for await (const chunk of watched.watch(chunks('S. No.,', 'Product Name\n', '1,Mug'))) {
      passed.push(chunk as Buffer);
    }
    const drained = new PayloadFingerprint();
    await drained.drain(chunks('S. No.,Product Name\n1', ',Mug'));

    expect(Buffer.concat(passed).toString()).toBe('S. No.,Product Name\n1,Mug');
    const expected = sha256(`${sha256('S. No.,Product Name\n1,Mug')}\nhttps://hooks.example/a`);
    expect(watched.of('https://hooks.example/a')).toBe(expected);
    expect(drained.of('https://hooks.example/a')).toBe(expected);
    expect(drained.of(null)).not.toBe(expected);
    expect(drained.of('https://hooks.example/a', true)).not.toBe(expected);
    expect(drained.of('https://hooks.example/a', false)).toBe(expected);
    expect(drained.of('https://hooks.example/a', false, '')).toBe(expected);
    expect(drained.of('https://hooks.example/a', false, 'webp')).not.toBe(expected);
    expect(drained.of('https://hooks.example/a', false, 'webp')).not.toBe(
      drained.of('https://hooks.example/a', false, 'webp,avif'),
    );
  });
});
