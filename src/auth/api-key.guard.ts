import {
  CanActivate,
  ExecutionContext,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { RequestsRepository } from '../requests/requests.repository';
import { ApiKeys } from './api-keys';
import { IS_PUBLIC } from '../common/public.decorator';

export interface AuthenticatedRequest extends Request {
  /** Owner id of the caller's API key; null when API keys are off. */
  apiKeyOwner?: string | null;
}

/**
 * When API keys are configured: requires `Authorization: Bearer <key>` or `X-API-Key`, and
 * answers 404 for a request id uploaded with another key, as if it did not exist.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeys,
    private readonly requests: RequestsRepository,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!this.keys.enabled) {
      request.apiKeyOwner = null;
      return true;
    }
    const key = presentedKey(request);
    const owner = key ? this.keys.ownerOf(key) : null;
    if (!owner) {
      context
        .switchToHttp()
        .getResponse<{ setHeader(n: string, v: string): void }>()
        .setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException(
        'A valid API key is required: send "Authorization: Bearer <key>" or "X-API-Key: <key>"',
      );
    }
    request.apiKeyOwner = owner;
    const requestId = request.params?.requestId;
    if (typeof requestId === 'string') {
      const storedOwner = await this.requests.findOwner(requestId);
      if (storedOwner !== undefined && storedOwner !== owner) {
        throw new NotFoundException(`No request with id ${requestId}`);
      }
    }
    return true;
  }
}

function presentedKey(request: Request): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization?.toLowerCase().startsWith('bearer ')) return authorization.slice(7).trim();
  const header = request.headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : undefined;
}
