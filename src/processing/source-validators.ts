/**
 * The HTTP caching rules of a source, by `http-cache-semantics`: which validators a response
 * may be revalidated with later (none under `Cache-Control: no-store` or `Vary: *`), the
 * conditional headers (`If-None-Match`, `If-Modified-Since`) that revalidate it, and whether a
 * `304` really confirms the stored response.
 */
import CachePolicy from 'http-cache-semantics';

/** A remembered policy serialised to JSON, larger than this, is not worth keeping. */
const MAX_VALIDATORS_LENGTH = 8192;

export type Headers = Record<string, string | string[] | undefined>;

export interface SourceRequest {
  url: string;
  headers: Record<string, string>;
}

/** What the origin said about one response, in the form the policy is made of. */
export interface SourceResponse {
  status: number;
  headers: Headers;
}

const asPolicyRequest = ({ url, headers }: SourceRequest): CachePolicy.Request => ({
  url,
  method: 'GET',
  headers: lowerCased(headers),
});

const asPolicyResponse = ({ status, headers }: SourceResponse): CachePolicy.Response => ({
  status,
  headers: lowerCased(headers),
});

/**
 * The validators to keep for a response, as JSON; null when the response may not be stored or
 * revalidated, or carries neither `ETag` nor `Last-Modified`. The service keeps results per
 * owner, so it is a private cache, not a shared one.
 */
export function validatorsOf(request: SourceRequest, response: SourceResponse): string | null {
  const policy = new CachePolicy(asPolicyRequest(request), asPolicyResponse(response), {
    shared: false,
  });
  if (!revalidatable(policy)) return null;
  const json = JSON.stringify(policy.toObject());
  return json.length <= MAX_VALIDATORS_LENGTH ? json : null;
}

/** How to revalidate kept validators: the conditional headers, and what a `304` means. */
export interface Revalidation {
  /** `If-None-Match` and/or `If-Modified-Since`. */
  headers: Record<string, string>;
  /**
   * The validators to keep from now on after a `304` to those headers, or null when the `304`
   * does not confirm the kept response (its validators name another one).
   */
  confirm(response: SourceResponse): string | null;
}

/**
 * The revalidation of kept validators for `request`; null when they cannot be used. The kept
 * policy is read once for both steps: a catalog's re-run revalidates every one of its images.
 */
export function revalidationOf(validators: string, request: SourceRequest): Revalidation | null {
  const policy = policyOf(validators);
  if (!policy || !revalidatable(policy)) return null;
  const policyRequest = asPolicyRequest(request);
  const all = policy.revalidationHeaders(policyRequest);
  const headers: Record<string, string> = {};
  for (const name of ['if-none-match', 'if-modified-since']) {
    const value = all[name];
    if (typeof value === 'string') headers[name] = value;
  }
  if (Object.keys(headers).length === 0) return null;
  return {
    headers,
    confirm(response) {
      const revalidated = policy.revalidatedPolicy(policyRequest, asPolicyResponse(response));
      if (revalidated.modified || !revalidatable(revalidated.policy)) return null;
      const json = JSON.stringify(revalidated.policy.toObject());
      return json.length <= MAX_VALIDATORS_LENGTH ? json : null;
    },
  };
}

function revalidatable(policy: CachePolicy): boolean {
  const headers = policy.responseHeaders();
  const vary = headers['vary'];
  if (typeof vary === 'string' && vary.split(',').some((field) => field.trim() === '*')) {
    return false;
  }
  return (
    policy.storable() && (headers['etag'] !== undefined || headers['last-modified'] !== undefined)
  );
}

function policyOf(validators: string): CachePolicy | null {
  try {
    return CachePolicy.fromObject(JSON.parse(validators) as CachePolicy.CachePolicyObject);
  } catch {
    return null;
  }
}

function lowerCased(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return result;
}
