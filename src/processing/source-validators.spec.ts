import { revalidationOf, validatorsOf } from './source-validators';

const request = { url: 'https://cdn.example.com/a.jpg', headers: { Accept: 'image/*' } };
const ETAG = '"v1"';
const LAST_MODIFIED = 'Sun, 01 Jun 2025 08:00:00 GMT';
const served = (headers: Record<string, string>) => ({
  status: 200,
  headers: { 'Content-Type': 'image/jpeg', Date: 'Mon, 02 Jun 2025 08:00:00 GMT', ...headers },
});

describe('source validators', () => {
  it('keeps ETag and Last-Modified and revalidates with both conditional headers', () => {
    const kept = validatorsOf(request, served({ ETag: ETAG, 'Last-Modified': LAST_MODIFIED }));

    expect(kept).not.toBeNull();
    expect(revalidationOf(kept!, request)?.headers).toEqual({
      'if-none-match': ETAG,
      'if-modified-since': LAST_MODIFIED,
    });
  });

  it('keeps nothing when the origin forbids storing, varies on everything or has no validators', () => {
    const forbidden = served({ ETag: ETAG, 'Cache-Control': 'no-store' });
    const varied = served({ ETag: ETAG, Vary: 'Accept, *' });
    const bare = served({ 'Cache-Control': 'max-age=60' });

    expect(validatorsOf(request, forbidden)).toBeNull();
    expect(validatorsOf(request, varied)).toBeNull();
    expect(validatorsOf(request, bare)).toBeNull();
  });

  it('takes a 304 as confirmation only when it names the kept response', () => {
    const revalidation = revalidationOf(validatorsOf(request, served({ ETag: ETAG }))!, request)!;

    const same = revalidation.confirm({ status: 304, headers: { ETag: ETAG } });
    const other = revalidation.confirm({ status: 304, headers: { ETag: '"v2"' } });

    expect(same).not.toBeNull();
    expect(revalidationOf(same!, request)?.headers).toEqual({ 'if-none-match': ETAG });
    expect(other).toBeNull();
  });

  it('ignores kept validators it cannot read', () => {
    expect(revalidationOf('not json', request)).toBeNull();
    expect(revalidationOf('{}', request)).toBeNull();
  });
});
