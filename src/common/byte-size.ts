import { filesize } from 'filesize';

/** A size in bytes as people read it, in binary units: 268435456 is "256 MiB". */
export function readableBytes(bytes: number): string {
  return filesize(bytes, { base: 2, standard: 'iec' });
}
