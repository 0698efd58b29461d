import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AuthenticatedRequest } from './api-key.guard';

/** The owner id of the caller's API key, or null when API keys are off. */
export const ApiKeyOwner = createParamDecorator(
  (_: unknown, context: ExecutionContext): string | null =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().apiKeyOwner ?? null,
);
