import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { emptyToUndefined, toBoolean, toNumber } from '../common/validation/transforms';

interface IntegerRange {
  min: number;
  max?: number;
}

const inRange = ({ min, max }: IntegerRange): PropertyDecorator[] => [
  IsInt(),
  Min(min),
  ...(max === undefined ? [] : [Max(max)]),
];

/** A whole-number variable within a range. */
export const IntegerSetting = (range: IntegerRange): PropertyDecorator =>
  applyDecorators(Transform(toNumber), ...inRange(range));

/** A whole-number variable that may be left unset (or empty) to take a derived default. */
export const OptionalIntegerSetting = (range: IntegerRange): PropertyDecorator =>
  applyDecorators(
    Transform((params) => toNumber({ value: emptyToUndefined(params) })),
    IsOptional(),
    ...inRange(range),
  );

/** `true`, `1`, `yes` or `on` (any case) is true; anything else is false. */
export const BooleanSetting = (): PropertyDecorator =>
  applyDecorators(Transform(toBoolean), IsBoolean());

/** A boolean variable that may be left unset (or empty) to take a derived default. */
export const OptionalBooleanSetting = (): PropertyDecorator =>
  applyDecorators(
    Transform((params) => toBoolean({ value: emptyToUndefined(params) })),
    IsOptional(),
    IsBoolean(),
  );
