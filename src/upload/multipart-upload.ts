import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { readableBytes } from '../common/byte-size';

/** The multipart form field the CSV file comes in. */
export const FILE_FIELD = 'file';

/** Form fields other than the file are short: the longest is a URL. */
const MAX_FIELD_BYTES = 8 * 1024;
const MAX_FIELDS = 20;
/** The longest file name kept, in characters: as long as most file systems allow. */
export const FILE_NAME_MAX_LENGTH = 255;

/** Control characters (C0, DEL, C1) and the bidirectional controls that could disguise a name. */
function isShowable(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return !(
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** Why a multipart upload cannot be used, in words for the person who sent it. */
export class MultipartUploadError extends Error {
  constructor(
    message: string,
    /** The most bytes the file may have, when it had more; undefined for other problems. */
    readonly maxBytes?: number,
  ) {
    super(message);
  }
}

export interface MultipartUpload<T> {
  /** The text fields, by name (the last value of a repeated field). */
  fields: Record<string, string>;
  /** What `readFile` made of the file. */
  file: T;
  /** The file's name as the client gave it, made safe to show; null when it gave none. */
  fileName: string | null;
}

/** A client's file name without directories or characters a page or terminal would act on. */
export function fileNameToShow(name: string | undefined): string | null {
  const shown = [...(name ?? '')].filter(isShowable).join('').trim().slice(0, FILE_NAME_MAX_LENGTH);
  return shown === '' ? null : shown;
}

/**
 * Reads a `multipart/form-data` upload as it arrives: the file in the field `file` is handed to
 * `readFile` as a stream, never held whole, and the text fields are collected. Throws a
 * `MultipartUploadError` when the form is not what an upload must be: no file, a file in
 * another field, two files, or a file over `maxFileBytes` (with `maxBytes`).
 */
export function readMultipartUpload<T>(
  request: IncomingMessage,
  maxFileBytes: number,
  readFile: (file: Readable) => Promise<T>,
): Promise<MultipartUpload<T>> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        // Browsers and curl send a file name's UTF-8 bytes as they are, not in latin1.
        defParamCharset: 'utf8',
        limits: {
          fileSize: maxFileBytes,
          files: 2,
          fields: MAX_FIELDS,
          fieldSize: MAX_FIELD_BYTES,
        },
      });
    } catch {
      reject(
        new MultipartUploadError(
          `Send the upload as multipart/form-data, with the CSV in the field "${FILE_FIELD}"`,
        ),
      );
      return;
    }
    const fields: Record<string, string> = {};
    let reading: Promise<T> | undefined;
    let fileName: string | null = null;
    let problem: MultipartUploadError | undefined;
    const fail = (error: MultipartUploadError) => (problem ??= error);

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated)
        fail(new MultipartUploadError(`The form field "${name}" is too long`));
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== FILE_FIELD) {
        fail(
          new MultipartUploadError(`Send the CSV in the form field "${FILE_FIELD}", not "${name}"`),
        );
        stream.resume();
        return;
      }
      if (reading) {
        fail(new MultipartUploadError('Send one CSV file per upload'));
        stream.resume();
        return;
      }
      stream.on('limit', () =>
        fail(
          new MultipartUploadError(
            `The file is larger than ${readableBytes(maxFileBytes)}, the most one upload may be`,
            maxFileBytes,
          ),
        ),
      );
      fileName = fileNameToShow(info.filename);
      reading = readFile(stream);
      // Settled below; a rejection here must not go unhandled meanwhile.
      reading.catch(() => undefined);
    });
    parser.on('filesLimit', () => fail(new MultipartUploadError('Send one CSV file per upload')));
    parser.on('fieldsLimit', () => fail(new MultipartUploadError('The form has too many fields')));
    parser.on('error', (error: Error) => {
      request.unpipe(parser);
      request.resume();
      reject(
        new MultipartUploadError(`The upload is not a valid multipart form: ${error.message}`),
      );
    });
    // A client that goes away mid-upload sends no end: the form must not wait for one forever.
    request.once('close', () => {
      if (!request.complete) parser.destroy(new Error('the upload was cut off'));
    });
    parser.on('close', () => {
      const finish = async () => {
        const file = reading ? await reading : undefined;
        if (problem) throw problem;
        if (file === undefined) {
          throw new MultipartUploadError(
            `Send the CSV as the multipart form field "${FILE_FIELD}"`,
          );
        }
        return { fields, file, fileName };
      };
      finish().then(resolve, reject);
    });
    request.pipe(parser);
  });
}
