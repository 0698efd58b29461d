/**
 * The public URL scheme, in one place: controllers take their route patterns from here, and
 * `PublicLinks` builds absolute URLs from the same paths.
 */
export const ROUTES = {
  upload: 'upload',
  status: {
    controller: 'status',
    request: ':requestId',
    outputCsv: ':requestId/output.csv',
    reportCsv: ':requestId/report.csv',
  },
  images: { controller: 'images', image: ':requestId/:fileName' },
  requests: {
    controller: 'requests',
    request: ':requestId',
    cancel: ':requestId/cancel',
    retry: ':requestId/retry',
  },
} as const;

export const PATHS = {
  status: (requestId: string) => `/${ROUTES.status.controller}/${requestId}`,
  outputCsv: (requestId: string) => `/${ROUTES.status.controller}/${requestId}/output.csv`,
  reportCsv: (requestId: string) => `/${ROUTES.status.controller}/${requestId}/report.csv`,
  /** A stored image, by its storage key (`<request id>/<file name>`). */
  image: (storageKey: string) => `/${ROUTES.images.controller}/${storageKey}`,
};

/** Pages for people beside the API: Swagger UI (its document at `/docs-json`) and Bull Board. */
export const PAGES = {
  docs: '/docs',
  docsJson: '/docs-json',
  queueDashboard: '/queues',
} as const;
