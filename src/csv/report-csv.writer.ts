import { csvLines } from './output-csv.writer';
import { PRODUCT_NAME, SERIAL_NUMBER } from './products-csv.format';

/** What became of an image, in the report's words. */
export type ImageReportResult = 'Compressed' | 'Source kept' | 'Failed' | 'Cancelled' | 'Pending';

export interface ReportCsvRow {
  serialNumber: string;
  productName: string;
  /** 1-based position of the URL in its product's list. */
  position: number;
  inputUrl: string;
  outputUrl: string | null;
  format: string | null;
  sourceQuality: number | null;
  targetQuality: number | null;
  bytesIn: number | null;
  bytesOut: number | null;
  score: number | null;
  result: ImageReportResult;
  /** Why the source was kept, or why the image failed. */
  details: string | null;
  /** The image's WebP and AVIF variants, kept or dropped; none when none were asked. */
  variants: readonly ReportVariant[];
}

export interface ReportVariant {
  format: string;
  /** Set when the variant was kept. */
  url: string | null;
  bytes: number | null;
  score: number | null;
  /** Why it was dropped; null when it was kept (or is still pending). */
  dropReason: string | null;
}

/** The variant formats, each with the columns it gets, named as people know them. */
const VARIANT_COLUMNS = [
  { format: 'webp', name: 'WebP' },
  { format: 'avif', name: 'AVIF' },
] as const;

export const REPORT_CSV_COLUMNS = [
  SERIAL_NUMBER,
  PRODUCT_NAME,
  'Position',
  'Input Image Url',
  'Output Image Url',
  'Format',
  'Source Quality',
  'Target Quality',
  'Bytes In',
  'Bytes Out',
  'Saved %',
  'Score',
  'Result',
  'Details',
  ...VARIANT_COLUMNS.flatMap(({ name }) => [`${name} Url`, `${name} Bytes`, `${name} Score`]),
  'Variants Dropped',
] as const;

/**
 * The report CSV, for people: one row per image in output order, with what compression did to
 * it. An unknown value is an empty cell. Written a batch of rows at a time, like the output CSV.
 */
export const ReportCsv = {
  header(): string {
    return csvLines([[...REPORT_CSV_COLUMNS]]);
  },

  rows(rows: readonly ReportCsvRow[]): string {
    if (rows.length === 0) return '';
    return csvLines(
      rows.map((row) => [
        row.serialNumber,
        row.productName,
        String(row.position),
        row.inputUrl,
        row.outputUrl ?? '',
        row.format ?? '',
        cell(row.sourceQuality),
        cell(row.targetQuality),
        cell(row.bytesIn),
        cell(row.bytesOut),
        savedPercent(row),
        row.score === null ? '' : row.score.toFixed(4),
        row.result,
        row.details ?? '',
        ...VARIANT_COLUMNS.flatMap(({ format }) => variantCells(row, format)),
        row.variants
          .filter((variant) => variant.dropReason !== null)
          .map((variant) => `${variant.format}: ${variant.dropReason}`)
          .join('; '),
      ]),
    );
  },
};

/** A kept variant's URL, bytes and score; empty cells for one not kept. */
function variantCells(row: ReportCsvRow, format: string): string[] {
  const variant = row.variants.find((each) => each.format === format && each.url !== null);
  if (!variant) return ['', '', ''];
  return [variant.url ?? '', cell(variant.bytes), variant.score?.toFixed(4) ?? ''];
}

function cell(value: number | null): string {
  return value === null ? '' : String(value);
}

/** The share of the source's bytes that the output saves, in percent, one decimal. */
function savedPercent({ bytesIn, bytesOut }: ReportCsvRow): string {
  if (bytesIn === null || bytesOut === null || bytesIn === 0) return '';
  return ((1 - bytesOut / bytesIn) * 100).toFixed(1);
}
