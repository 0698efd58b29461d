import type { NextFunction, Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * HTTP Basic authentication for the dashboard, which browsers prompt for by themselves.
 * Bull Board is Express middleware, outside Nest's routing, so the global API-key guard
 * never sees its requests; this is what stands in front of it.
 */
export function dashboardBasicAuth(password: string) {
  const expected = digest(password);
  return (request: Request, response: Response, next: NextFunction): void => {
    const header = request.headers.authorization ?? '';
    const [scheme, encoded = ''] = header.split(' ');
    const credentials = Buffer.from(encoded, 'base64').toString('utf8');
    const given = credentials.slice(credentials.indexOf(':') + 1);
    if (scheme?.toLowerCase() === 'basic' && timingSafeEqual(digest(given), expected)) {
      next();
      return;
    }
    response.status(401).set('WWW-Authenticate', 'Basic realm="queues", charset="UTF-8"').json({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'The queue dashboard needs a password',
    });
  };
}
