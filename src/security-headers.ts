import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { PAGES, ROUTES } from './links/routes';

type Policy = Record<string, string[]>;

/**
 * The web console's policy, which every answer carries unless a page below needs more: only the
 * service's own script, stylesheet and API, images from anywhere (a batch's originals are shown
 * beside their compressed copies), no plugins and no framing.
 */
const CONSOLE_POLICY: Policy = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:', 'http:', 'https:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Swagger UI's page has inline `<style>` blocks and `style` attributes, draws its icons from
 * data: URLs and shows an image an operation answers with from a blob: URL. Its script stays
 * `'self'` (the page loads swagger-ui-init.js rather than inline code).
 */
const DOCS_POLICY: Policy = {
  ...CONSOLE_POLICY,
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
};

/** Bull Board's page has inline styles and loads its fonts from Google Fonts. */
const QUEUE_DASHBOARD_POLICY: Policy = {
  ...CONSOLE_POLICY,
  'style-src': ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
  'font-src': ["'self'", 'https://fonts.gstatic.com'],
  'img-src': ["'self'", 'data:'],
};

/** `loadableFrom`: which sites may load the answer as a resource (`<img>`, `<script>`...). */
const headers = (
  policy: Policy,
  loadableFrom: 'same-origin' | 'cross-origin' = 'same-origin',
): RequestHandler =>
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: policy },
    crossOriginResourcePolicy: { policy: loadableFrom },
    xFrameOptions: { action: 'deny' },
  });

const under = (prefix: string) => (path: string) =>
  path === prefix || path.startsWith(`${prefix}/`);

/**
 * helmet's security headers on every answer (and no `X-Powered-By`), with a content security
 * policy per page. Compressed images may be embedded by any site (`<img>` in a shop), so they
 * are the one resource other origins may load.
 */
export function securityHeaders(): RequestHandler {
  const byPath: [(path: string) => boolean, RequestHandler][] = [
    [under(PAGES.docs), headers(DOCS_POLICY)],
    [under(PAGES.queueDashboard), headers(QUEUE_DASHBOARD_POLICY)],
    [under(`/${ROUTES.images.controller}`), headers(CONSOLE_POLICY, 'cross-origin')],
  ];
  const everywhereElse = headers(CONSOLE_POLICY);
  return (request: Request, response: Response, next: NextFunction) => {
    const handler = byPath.find(([matches]) => matches(request.path))?.[1] ?? everywhereElse;
    handler(request, response, next);
  };
}
