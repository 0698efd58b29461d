/** The content security policy the web console runs under, a directive each, as the service sends it. */
export const CONSOLE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: http: https:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

/** A policy header as its directives, so that spacing does not matter. */
export const directivesOf = (policy: string | undefined): string[] =>
  String(policy)
    .split(';')
    .map((directive) => directive.trim());
