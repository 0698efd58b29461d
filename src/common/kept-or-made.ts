/**
 * The value kept in `kept` under `key`, made by `make` and kept if it is missing. Once `max`
 * values are kept they are all dropped: for caches of a few keys used thousands of times each,
 * where making a value again now and then costs less than tracking which was used last.
 */
export function keptOrMade<Key, Value>(
  kept: Map<Key, Value>,
  key: Key,
  max: number,
  make: () => Value,
): Value {
  const found = kept.get(key);
  if (found !== undefined) return found;
  const made = make();
  if (kept.size >= max) kept.clear();
  kept.set(key, made);
  return made;
}
