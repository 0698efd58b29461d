import { constants, createWriteStream } from 'node:fs';
import { access, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CliError } from './cli-error';
import { ExitCode } from './exit-codes';

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'there is no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
};

/** The size of the file at `path`, once sure that it is a file this process can read. */
export async function readableFileSize(path: string): Promise<number> {
  try {
    const file = await stat(path);
    if (!file.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    await access(path, constants.R_OK);
    return file.size;
  } catch (error) {
    throw fileError(`Cannot read ${path}`, error);
  }
}

/** Fails early, before any upload, when `path` could not be written once the work is done. */
export async function checkWritable(path: string): Promise<void> {
  try {
    const existing = await stat(path).catch(() => undefined);
    if (existing?.isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
    await access(existing ? path : dirname(path), constants.W_OK);
  } catch (error) {
    throw fileError(`Cannot write ${path}`, error);
  }
}

/** Writes `content` to `path` through a temporary file, so that `path` is never half written. */
export async function saveToFile(content: ReadableStream<Uint8Array>, path: string): Promise<void> {
  const partial = join(dirname(path), `.${basename(path)}.${process.pid}.part`);
  try {
    await pipeline(content, createWriteStream(partial));
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    if (isSystemError(error)) throw fileError(`Cannot write ${path}`, error);
    if (error instanceof Error && error.name === 'AbortError') {
      throw new CliError('Stopped', ExitCode.Interrupted);
    }
    throw new CliError('The download of the output CSV broke off; try again', ExitCode.Unreachable);
  }
}

/** An error from the file system, rather than from the stream being written. */
function isSystemError(error: unknown): boolean {
  return error instanceof Error && 'syscall' in error;
}

function fileError(what: string, error: unknown): unknown {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') {
    return error;
  }
  const problem = FILE_PROBLEMS[error.code] ?? error.message;
  return new CliError(`${what}: ${problem}`, ExitCode.Usage);
}
