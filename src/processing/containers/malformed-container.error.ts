/** The bytes do not have the structure their format requires; the message says where. */
export class MalformedContainerError extends Error {
  override readonly name = 'MalformedContainerError';
}
