/**
 * The modern formats an image may get next to its same-format output, and the one reading of a
 * list of them (`OUTPUT_VARIANTS`, the upload's `variants` field, the request's stored column).
 */
export const VARIANT_FORMATS = ['webp', 'avif'] as const;
export type VariantFormat = (typeof VARIANT_FORMATS)[number];

export const VARIANT_LIST_RULE = 'variants must be a comma-separated list of webp and avif';

/**
 * The formats of a comma-separated list, each once, in the order of VARIANT_FORMATS; null when
 * an item is not one of them. An empty list (or one of blanks) asks for none.
 */
export function parseVariantList(value: string): VariantFormat[] | null {
  const items = value
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
  if (!items.every((item) => (VARIANT_FORMATS as readonly string[]).includes(item))) return null;
  return VARIANT_FORMATS.filter((format) => items.includes(format));
}

/** The stored form of a list: its formats in order, comma-separated; '' for none. */
export function variantListText(formats: readonly VariantFormat[]): string {
  return VARIANT_FORMATS.filter((format) => formats.includes(format)).join(',');
}
