const numbers = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const integers = new Intl.NumberFormat();
const dates = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export const count = (value: number): string => integers.format(value);

export function bytes(value: number | null): string {
  if (value === null) return '–';
  if (value < 1024) return `${integers.format(value)} B`;
  if (value < 1024 * 1024) return `${numbers.format(value / 1024)} KB`;
  return `${numbers.format(value / (1024 * 1024))} MB`;
}

/** How much smaller `after` is than `before`, in percent; null when it cannot be told. */
export function savedPercent(before: number | null, after: number | null): number | null {
  if (before === null || after === null || before === 0) return null;
  return ((before - after) / before) * 100;
}

export const percent = (value: number | null): string =>
  value === null ? '–' : `${numbers.format(value)}%`;

export const dateTime = (iso: string | null): string =>
  iso === null ? '–' : dates.format(new Date(iso));

/** Why a format's source quality cannot be told: lossy WebP and AVIF keep no quality setting. */
const UNKNOWN_QUALITY: Record<string, string> = {
  webp: 'WebP does not record it',
  avif: 'AVIF does not record it',
};
/** Why a format has no target quality: GIF is re-encoded to a palette, without a setting. */
const NO_QUALITY_SETTING: Record<string, string> = {
  gif: 'GIF has no quality setting',
};

/**
 * A source or target quality in words. Null with a known format has a reason, which is said;
 * null without one means the image was not read (yet).
 */
export function quality(
  value: number | null,
  format: string | null,
  side: 'source' | 'target',
): string {
  if (value !== null) return integers.format(value);
  const reason = format ? (side === 'source' ? UNKNOWN_QUALITY : NO_QUALITY_SETTING)[format] : null;
  if (!reason) return '–';
  return side === 'source' ? `unknown (${reason})` : `none (${reason})`;
}
