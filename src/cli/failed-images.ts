import type { components, RequestStatusResponse } from '../client';

type ImageResult = components['schemas']['ImageResultDto'];

/** Failed images a text answer lists; the rest are counted. */
export const LISTED_FAILURES = 10;
/** Image pages read at most to find them, so that a huge request costs a bounded wait. */
const MAX_PAGES = 50;
const PAGE_SIZE = 1000;

/** The message of a download refused because the host resolved to a private address. */
const PRIVATE_ADDRESS_REFUSED = /private and reserved addresses are not allowed/;

export type ImagePageReader = (after: number, limit: number) => Promise<RequestStatusResponse>;

export interface FailedImages {
  /** The first failed images, in output order, at most `LISTED_FAILURES`. */
  listed: ImageResult[];
  /** Failed images in all, as the request's counters say. */
  total: number;
}

/**
 * The first failed images of a request, read a page at a time from the start of its image list
 * and stopping once enough are found, every failure is found, or `MAX_PAGES` have been read.
 */
export async function findFailedImages(
  status: RequestStatusResponse,
  readPage: ImagePageReader,
): Promise<FailedImages> {
  const total = status.progress.failed;
  const listed: ImageResult[] = [];
  const wanted = Math.min(total, LISTED_FAILURES);
  let after = 0;
  for (let page = 0; listed.length < wanted && page < MAX_PAGES; page++) {
    const { images } = await readPage(after, PAGE_SIZE);
    for (const image of images.items) {
      if (image.status === 'Failed' && listed.length < wanted) listed.push(image);
    }
    const last = images.items.at(-1);
    if (!images.next || !last) break;
    after = last.ordinal;
  }
  return { listed, total };
}

/** The failed images as lines for a person: each with its reason, then a count of the rest. */
export function formatFailedImages({ listed, total }: FailedImages): string[] {
  if (total === 0) return [];
  const lines = [
    total > listed.length
      ? `Failed images (the first ${listed.length} of ${total}):`
      : `Failed images (${total}):`,
    ...listed.map(
      (image) =>
        `  row ${image.row}, URL ${image.position}: ${image.input_url}\n` +
        `    ${image.error ?? 'no reason recorded'}`,
    ),
  ];
  if (total > listed.length) lines.push(`  ... and ${total - listed.length} more`);
  if (listed.some((image) => PRIVATE_ADDRESS_REFUSED.test(image.error ?? ''))) {
    lines.push(
      'Downloads from private addresses are refused: the service setting ' +
        'ALLOWED_PRIVATE_HOSTS lets named hosts (or CIDR ranges) through.',
    );
  }
  return lines;
}
