const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * A 32-bit FNV-1a hash of a URL, as a signed integer so that it fits an INTEGER column on every
 * database. It only narrows a lookup by index: equal hashes are compared by URL as well.
 */
export function urlHash(url: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (let index = 0; index < url.length; index++) {
    hash ^= url.charCodeAt(index);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash | 0;
}
