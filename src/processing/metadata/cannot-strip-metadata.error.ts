/**
 * The image is not a well-formed file of its format, or is built in a way whose metadata cannot
 * be removed without risking its pixels. The message says which, and where.
 */
export class CannotStripMetadataError extends Error {
  override readonly name = 'CannotStripMetadataError';
}
