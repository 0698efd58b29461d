import { BadRequestException, ValidationError } from '@nestjs/common';
import { ErrorDetailDto } from '../error-response.dto';

/**
 * The answer to parameters that fail validation: one message per field (the first rule it
 * breaks; DTOs word their rules for people), all of them listed in `errors`.
 */
export function validationFailed(errors: ValidationError[]): BadRequestException {
  const details: ErrorDetailDto[] = errors.flatMap((error) => flatten(error));
  const message =
    details.length === 1 ? details[0].message : details.map((detail) => detail.message).join('; ');
  return new BadRequestException({ message, errors: details });
}

function flatten(error: ValidationError, parent = ''): ErrorDetailDto[] {
  const field = parent ? `${parent}.${error.property}` : error.property;
  const own = Object.values(error.constraints ?? {}).slice(0, 1);
  return [
    ...own.map((message) => ({ field, message })),
    ...(error.children ?? []).flatMap((child) => flatten(child, field)),
  ];
}
