import { applyDecorators, SetMetadata } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';

export const IS_PUBLIC = 'isPublic';

/**
 * Marks a controller whose routes need no API key (health checks, metrics). OpenAPI declares
 * them with an empty list of security requirements, so that Swagger UI shows no padlock.
 * Controller-wide only: @nestjs/swagger drops an empty list given to a single route.
 */
export const Public = (): ClassDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), (target: object) => {
    Reflect.defineMetadata(DECORATORS.API_SECURITY, [], target);
  });
