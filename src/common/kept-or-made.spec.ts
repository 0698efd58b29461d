import { keptOrMade } from './kept-or-made';

describe('keptOrMade', () => {
  it('makes a value once per key, and drops them all once the most are kept', () => {
    const kept = new Map<string, string>();
    const make = jest.fn((key: string) => `made ${key}`);
    const get = (key: string) => keptOrMade(kept, key, 2, () => make(key));

    expect([get('a'), get('a'), get('b'), get('a')]).toEqual([
      'made a',
      'made a',
      'made b',
      'made a',
    ]);
    expect(make).toHaveBeenCalledTimes(2);

    expect(get('c')).toBe('made c');
    expect([...kept.keys()]).toEqual(['c']);
    expect(get('a')).toBe('made a');
    expect(make).toHaveBeenCalledTimes(4);
  });

  it('keeps nothing when making the value fails', () => {
    const kept = new Map<string, number>();
    expect(() =>
      keptOrMade(kept, 'bad', 2, () => {
        throw new Error('cannot make it');
      }),
    ).toThrow('cannot make it');
    expect(kept.size).toBe(0);
  });
});
