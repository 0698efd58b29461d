#!/usr/bin/env node
/** The `image-batch` command line; `image-batch help` says what it does. */
import { runCli } from './cli';

const interruption = new AbortController();
// Once only: a second Ctrl-C ends the process at once, as usual.
process.once('SIGINT', () => interruption.abort());

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: interruption.signal,
}).then((exitCode) => {
  process.exitCode = exitCode;
});
