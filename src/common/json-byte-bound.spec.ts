import { jsonByteBound } from './json-byte-bound';

/** A seeded generator, so that a failure can be run again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const ALPHABET = [
  'a',
  'Z',
  '"',
  '\\',
  '\n',
  '\u0001',
  '\u007f',
  'é',
  '€',
  '🪑',
  '\ud800',
  '\u2028',
];

function randomValue(next: () => number, depth: number): unknown {
  const kind = Math.floor(next() * (depth > 3 ? 5 : 7));
  switch (kind) {
    case 0:
      return Array.from(
        { length: Math.floor(next() * 40) },
        () => ALPHABET[Math.floor(next() * ALPHABET.length)],
      ).join('');
    case 1:
      return next() < 0.5 ? Math.floor(next() * 1e9) : -next() * 10 ** (next() * 600 - 300);
    case 2:
      return next() < 0.5;
    case 3:
      return null;
    case 4:
      return Number.MIN_VALUE * next();
    case 5:
      return Array.from({ length: Math.floor(next() * 6) }, () => randomValue(next, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 6) }, (_, index) => [
          `${ALPHABET[Math.floor(next() * ALPHABET.length)]}${index}`,
          randomValue(next, depth + 1),
        ]),
      );
  }
}

describe('jsonByteBound', () => {
  it('is never below the bytes of the JSON, over 2,000 seeded values', () => {
    const next = random(20261207);
    for (let index = 0; index < 2000; index++) {
      const value = randomValue(next, 0);
      const bytes = Buffer.byteLength(JSON.stringify(value));
      expect({ value, bound: jsonByteBound(value) >= bytes }).toEqual({ value, bound: true });
    }
  });

  it('is exact for the worst cases of each kind', () => {
    expect(jsonByteBound('\u0000')).toBe(Buffer.byteLength(JSON.stringify('\u0000')));
    expect(jsonByteBound(-1.2345678901234567e-308)).toBe(
      Buffer.byteLength(JSON.stringify(-1.2345678901234567e-308)),
    );
    expect(jsonByteBound(false)).toBe(5);
    expect(jsonByteBound([])).toBe(2);
    expect(jsonByteBound({})).toBe(2);
    const at = { at: new Date('2025-11-25T10:00:00.000Z') };
    expect(jsonByteBound(at)).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(at)));
  });

  it('stays within a few times the JSON of an ordinary status item', () => {
    const item = {
      ordinal: 12345,
      input_url: 'https://cdn.example.com/products/12345/front.jpg',
      status: 'Completed',
      error: null,
      variants: [{ format: 'webp', bytes: 23456, url: 'http://localhost:3000/images/a.webp' }],
    };
    expect(jsonByteBound(item)).toBeLessThan(8 * Buffer.byteLength(JSON.stringify(item)));
  });
});
