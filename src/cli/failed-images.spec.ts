import type { RequestStatusResponse } from '../client';
import { exitCodeForRequest, ExitCode } from './exit-codes';
import { findFailedImages, formatFailedImages } from './failed-images';

type Image = RequestStatusResponse['images']['items'][number];

const image = (ordinal: number, failed: boolean, error = 'Download failed with HTTP 404'): Image =>
  ({
    ordinal,
    row: ordinal,
    position: 1,
    input_url: `http://x.example/${ordinal}.jpg`,
    status: failed ? 'Failed' : 'Completed',
    error: failed ? error : null,
  }) as Image;

/** A request of `count` images whose failed ones are at `failedAt`, read a page at a time. */
function request(count: number, failedAt: number[], errorOf?: (ordinal: number) => string) {
  const images = Array.from({ length: count }, (_, index) =>
    image(index + 1, failedAt.includes(index + 1), errorOf?.(index + 1)),
  );
  const status = {
    status: 'Completed',
    progress: { total: count, processed: count, failed: failedAt.length },
  } as RequestStatusResponse;
  const pagesRead: number[] = [];
  const readPage = (after: number, limit: number) => {
    pagesRead.push(after);
    const items = images.slice(after, after + limit);
    const next = after + limit < count ? `next` : null;
    return Promise.resolve({ ...status, images: { items, next } } as RequestStatusResponse);
  };
  return { status, readPage, pagesRead };
}

describe('failed images', () => {
  it('lists the first 10 failures with their reasons and counts the rest', async () => {
    const failedAt = Array.from({ length: 14 }, (_, index) => 100 * (index + 1));
    const { status, readPage } = request(3000, failedAt);

    const lines = formatFailedImages(await findFailedImages(status, readPage));

    expect(lines[0]).toBe('Failed images (the first 10 of 14):');
    expect(lines.slice(1, 3)).toEqual([
      '  row 100, URL 1: http://x.example/100.jpg\n    Download failed with HTTP 404',
      '  row 200, URL 1: http://x.example/200.jpg\n    Download failed with HTTP 404',
    ]);
    expect(lines).toHaveLength(12);
    expect(lines.at(-1)).toBe('  ... and 4 more');
  });

  it('stops reading pages once every failure is found', async () => {
    const { status, readPage, pagesRead } = request(5000, [3, 1500]);

    const found = await findFailedImages(status, readPage);

    expect(found.listed.map((failed) => failed.ordinal)).toEqual([3, 1500]);
    expect(pagesRead).toEqual([0, 1000]);
    expect(formatFailedImages(found)[0]).toBe('Failed images (2):');
  });

  it('reads nothing and says nothing when no image failed', async () => {
    const { status, readPage, pagesRead } = request(10, []);

    expect(formatFailedImages(await findFailedImages(status, readPage))).toEqual([]);
    expect(pagesRead).toEqual([]);
  });

  it('names the setting that lets a private host through when a download was refused', async () => {
    const refused =
      'Refused to connect to 10.0.0.7 (private) for images.internal: private and reserved ' +
      'addresses are not allowed';
    const { status, readPage } = request(3, [2], () => refused);

    const lines = formatFailedImages(await findFailedImages(status, readPage));

    expect(lines.at(-1)).toContain('ALLOWED_PRIVATE_HOSTS');
  });
});

describe('exitCodeForRequest', () => {
  const finished = (status: string, failed: number) => ({ status, progress: { failed } });

  it.each([
    ['Completed with every image', finished('Completed', 0), false, ExitCode.Ok],
    ['Completed with some failures', finished('Completed', 2), false, ExitCode.SomeFailed],
    ['the same with --allow-failures', finished('Completed', 2), true, ExitCode.Ok],
    ['Failed', finished('Failed', 3), true, ExitCode.RequestFailed],
    ['still Processing with a failure', finished('Processing', 1), false, ExitCode.Ok],
  ])('%s', (_, request, allowFailures, code) => {
    expect(exitCodeForRequest(request, allowFailures)).toBe(code);
  });
});
