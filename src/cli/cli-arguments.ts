import { parseArgs } from 'node:util';
import { CliError } from './cli-error';
import { ExitCode } from './exit-codes';
import { IDEMPOTENCY_KEY_MAX_LENGTH, isIdempotencyKey } from './idempotency-key';

export const DEFAULT_API_URL = 'http://localhost:3000';
export const API_URL_VARIABLE = 'IMAGE_BATCH_API';
export const API_KEY_VARIABLE = 'IMAGE_BATCH_KEY';
const DEFAULT_POLL_SECONDS = 1;
const MIN_POLL_SECONDS = 0.1;
const MAX_POLL_SECONDS = 3600;
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Environment = Readonly<Record<string, string | undefined>>;

export interface Connection {
  /** The service's base URL, without a trailing slash. */
  apiUrl: string;
  apiKey?: string;
}

export interface SubmitCommand {
  name: 'submit';
  csvFile: string;
  webhookUrl?: string;
  /** Have every image processed afresh, reusing no earlier request's result. */
  refresh: boolean;
  /** Modern formats to ask for next to each output (`webp,avif`, `none`); the service's default when absent. */
  variants?: string;
  /** Follow the request until it finishes; `--out` and `--report` imply it. */
  wait: boolean;
  outFile?: string;
  /** Where to save the report CSV once the request has finished. */
  reportFile?: string;
  pollIntervalMs: number;
  /** Sent with every attempt at the upload; a new random UUID when not given. */
  idempotencyKey?: string;
  /** Exit 0 rather than 6 when the request Completed with some images failed. */
  allowFailures: boolean;
  json: boolean;
  connection: Connection;
}

export interface StatusCommand {
  name: 'status';
  requestId: string;
  allowFailures: boolean;
  json: boolean;
  connection: Connection;
}

/** `cancel`, `retry` and `delete`: one call that changes a request. */
export interface LifecycleCommand {
  name: 'cancel' | 'delete';
  requestId: string;
  json: boolean;
  connection: Connection;
}

export interface RetryCommand {
  name: 'retry';
  requestId: string;
  /** Follow the request again until it finishes, as `submit --wait` does. */
  wait: boolean;
  pollIntervalMs: number;
  allowFailures: boolean;
  json: boolean;
  connection: Connection;
}

export type CommandName = 'submit' | 'status' | 'cancel' | 'retry' | 'delete';
const COMMAND_NAMES: readonly CommandName[] = ['submit', 'status', 'cancel', 'retry', 'delete'];
const COMMAND_LIST = 'submit, status, cancel, retry and delete';

export interface HelpCommand {
  name: 'help';
  topic?: CommandName;
}

export type CliCommand =
  SubmitCommand | StatusCommand | LifecycleCommand | RetryCommand | HelpCommand;

const OPTIONS = {
  api: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  webhook: { type: 'string' },
  wait: { type: 'boolean', short: 'w' },
  out: { type: 'string', short: 'o' },
  report: { type: 'string' },
  interval: { type: 'string' },
  'idempotency-key': { type: 'string' },
  'allow-failures': { type: 'boolean' },
  refresh: { type: 'boolean' },
  variants: { type: 'string' },
} as const;

type OptionName = keyof typeof OPTIONS;

const COMMON_OPTIONS: readonly OptionName[] = ['api', 'key', 'json', 'help'];
const COMMAND_OPTIONS: Record<CommandName, readonly OptionName[]> = {
  submit: [
    ...COMMON_OPTIONS,
    'webhook',
    'wait',
    'out',
    'report',
    'interval',
    'idempotency-key',
    'allow-failures',
    'refresh',
    'variants',
  ],
  status: [...COMMON_OPTIONS, 'allow-failures'],
  cancel: COMMON_OPTIONS,
  retry: [...COMMON_OPTIONS, 'wait', 'interval', 'allow-failures'],
  delete: COMMON_OPTIONS,
};

const COMMON_HELP = `Options for every command:
  --api URL     The service; default $${API_URL_VARIABLE}, else ${DEFAULT_API_URL}
  --key KEY     API key, sent as "Authorization: Bearer KEY"; default $${API_KEY_VARIABLE}
                (prefer the variable: other users can see command lines)
  --json        Print the service's JSON answers instead of text
  -h, --help    Show this help`;

const EXIT_CODES_HELP = `Exit codes:
  0    done: the request Completed with every image, or was accepted or is still running
       when not waiting
  1    the request Failed: every image failed
  6    the request Completed but some images failed (0 with --allow-failures)
  2    wrong arguments, or a file that cannot be read or written
  3    the service refused the CSV: too large, or not valid (each problem listed by line)
  4    the service answered with an error (unknown request, missing API key, ...)
  7    the request is not in a state the command applies to (cancel a finished request,
       retry a running one)
  5    the service could not be reached
  70   an unexpected error; its details are printed
  130  stopped with Ctrl-C; an accepted request carries on in the service`;

const HELP: Record<CommandName | 'overview', string> = {
  overview: `Usage: image-batch <command> [options]

Compress the images of a CSV of products with the image-batch service.

Commands:
  submit <file.csv>     Upload a CSV of products and image URLs
  status <request-id>   Show the progress and results of an upload
  cancel <request-id>   Stop a running request
  retry <request-id>    Try the failed and cancelled images of a finished request again
  delete <request-id>   Delete a request with its output CSV and images

Run "image-batch help <command>" for a command's options.

${COMMON_HELP}

${EXIT_CODES_HELP}
`,
  submit: `Usage: image-batch submit <file.csv> [--wait] [--out FILE] [--report FILE] [--webhook URL] [options]

Uploads the CSV (header: S. No.,Product Name,Input Image Urls) and prints the request id and
its status URL. An upload the service could not take just then (connection refused or lost,
busy, restarting) is tried up to 3 more times, with the same idempotency key each time, so that
the service never creates the request twice.

  -w, --wait             Follow the request until it has finished, showing its progress
  -o, --out FILE         Save the output CSV to FILE once the request has finished (implies --wait)
  --report FILE          Save the report CSV (per image: bytes, qualities, score, result) to FILE
                         once the request has finished (implies --wait)
  --webhook URL          Have the service POST the final status to URL when the request finishes
  --interval SECONDS     How often to ask for progress while waiting (default ${DEFAULT_POLL_SECONDS})
  --idempotency-key KEY  Send the upload with KEY (1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters) instead
                         of a new random UUID: running the command again with the same KEY and
                         file, after a crash say, answers with the request already created
  --allow-failures       Exit 0, not 6, when the request Completed with some images failed
  --refresh              Download and encode every image afresh, reusing no result of an
                         earlier request (the service reuses unchanged images by default)
  --variants LIST        Also offer each image as webp, avif or both (comma-separated), where
                         smaller at the same score; none for none (default: the service's
                         OUTPUT_VARIANTS)

A finished request's failed images are listed, the first 10 with their reasons.
While waiting, progress goes to stderr: a live bar on a terminal; otherwise a line for each
change of state or 10% step, and at most one every 30 s in between.

${COMMON_HELP}

${EXIT_CODES_HELP}
`,
  status: `Usage: image-batch status <request-id> [options]

Shows the status of an upload: its progress, output CSV and webhook, and its failed images,
the first 10 with their reasons.

  --allow-failures       Exit 0, not 6, when the request Completed with some images failed

${COMMON_HELP}

${EXIT_CODES_HELP}
`,
  cancel: `Usage: image-batch cancel <request-id> [options]

Stops a running request: no pending image is downloaded from then on; images already being
processed may finish and are kept. The request ends Cancelled, with its output CSV (empty cells
for the cancelled images) and its webhook. A finished request cannot be cancelled (exit 7).

${COMMON_HELP}

${EXIT_CODES_HELP}
`,
  retry: `Usage: image-batch retry <request-id> [--wait] [options]

Tries the failed and cancelled images of a finished request again; the images that succeeded
are kept. When the request finishes again, a new output CSV replaces the old one and the webhook
is sent again. A request still running cannot be retried (exit 7).

  -w, --wait             Follow the request until it has finished again, showing its progress
  --interval SECONDS     How often to ask for progress while waiting (default ${DEFAULT_POLL_SECONDS})
  --allow-failures       Exit 0, not 6, when the request Completed with some images failed

${COMMON_HELP}

${EXIT_CODES_HELP}
`,
  delete: `Usage: image-batch delete <request-id> [options]

Deletes a request with everything stored for it: from then on, its status, output CSV and
images answer 404. A running request is cancelled first. The service removes its rows and
images in the background.

${COMMON_HELP}

${EXIT_CODES_HELP}
`,
};

export function helpText(topic?: CommandName): string {
  return HELP[topic ?? 'overview'];
}

/**
 * Reads the command line. Options may come before or after the arguments; defaults come from
 * `env`. Throws a `CliError` with `ExitCode.Usage` saying what is wrong.
 */
export function parseCliArguments(args: readonly string[], env: Environment): CliCommand {
  const { positionals, options } = readTokens(args);
  const [commandName, ...operands] = positionals;

  if (commandName === undefined) {
    if (options.has('help')) return { name: 'help' };
    throw new CliError(helpText().trimEnd(), ExitCode.Usage);
  }
  if (commandName === 'help') {
    const [topic, ...extra] = operands;
    if (extra.length > 0 || (topic !== undefined && !isCommandName(topic))) {
      throw usageError(
        `There is no help on "${operands.join(' ')}"; the commands are ${COMMAND_LIST}`,
      );
    }
    return { name: 'help', topic };
  }
  if (!isCommandName(commandName)) {
    throw usageError(`Unknown command "${commandName}"; the commands are ${COMMAND_LIST}`);
  }
  if (options.has('help')) return { name: 'help', topic: commandName };

  for (const [name, token] of options) {
    if (!COMMAND_OPTIONS[commandName].includes(name)) {
      throw usageError(`${commandName} does not take ${token.rawName}`, commandName);
    }
  }
  const text = (name: OptionName) => options.get(name)?.value;
  const flag = (name: OptionName) => options.has(name);
  const connection = connectionFrom(text('api'), text('key'), env);

  if (commandName === 'submit') {
    const csvFile = singleOperand(
      operands,
      'submit needs the CSV file: image-batch submit <file.csv>',
    );
    const webhookUrl = text('webhook');
    if (webhookUrl !== undefined && !isHttpUrl(webhookUrl)) {
      throw usageError(
        `--webhook must be an http:// or https:// URL, not "${webhookUrl}"`,
        'submit',
      );
    }
    const idempotencyKey = text('idempotency-key');
    if (idempotencyKey !== undefined && !isIdempotencyKey(idempotencyKey)) {
      throw usageError(
        `--idempotency-key must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters, not "${idempotencyKey}"`,
        'submit',
      );
    }
    const variants = text('variants');
    if (variants !== undefined && !isVariantList(variants)) {
      throw usageError(
        `--variants must be webp, avif or both, comma-separated, or none; not "${variants}"`,
        'submit',
      );
    }
    const outFile = text('out');
    const reportFile = text('report');
    return {
      name: 'submit',
      csvFile,
      webhookUrl,
      refresh: flag('refresh'),
      variants,
      wait: flag('wait') || outFile !== undefined || reportFile !== undefined,
      outFile,
      reportFile,
      pollIntervalMs: pollIntervalMs(text('interval'), 'submit'),
      idempotencyKey,
      allowFailures: flag('allow-failures'),
      json: flag('json'),
      connection,
    };
  }

  const requestId = requestIdOperand(operands, commandName);
  const json = flag('json');
  switch (commandName) {
    case 'status':
      return { name: 'status', requestId, allowFailures: flag('allow-failures'), json, connection };
    case 'retry':
      return {
        name: 'retry',
        requestId,
        wait: flag('wait'),
        pollIntervalMs: pollIntervalMs(text('interval'), 'retry'),
        allowFailures: flag('allow-failures'),
        json,
        connection,
      };
    case 'cancel':
    case 'delete':
      return { name: commandName, requestId, json, connection };
  }
}

function requestIdOperand(operands: string[], commandName: CommandName): string {
  const requestId = singleOperand(
    operands,
    `${commandName} needs a request id: image-batch ${commandName} <id>`,
  );
  if (!REQUEST_ID.test(requestId)) {
    throw usageError(
      `"${requestId}" is not a request id; it looks like 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a`,
      commandName,
    );
  }
  return requestId.toLowerCase();
}

interface OptionToken {
  /** As typed, e.g. `-o` or `--out`. */
  rawName: string;
  value?: string;
}

function readTokens(args: readonly string[]): {
  positionals: string[];
  options: Map<OptionName, OptionToken>;
} {
  // Not strict, so that every mistake gets a message of ours rather than Node's.
  const { tokens } = parseArgs({
    args: [...args],
    options: OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const positionals: string[] = [];
  const options = new Map<OptionName, OptionToken>();
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const { name, rawName, value, inlineValue } = token;
    if (!isOptionName(name)) throw usageError(`Unknown option ${rawName}`);
    // `--out --json` is a forgotten value, not a file named "--json"; `--out=-x` says it is.
    const forgotten = !inlineValue && value?.startsWith('-');
    if (OPTIONS[name].type === 'string' && (!value || forgotten)) {
      throw usageError(`${rawName} needs a value`);
    }
    if (OPTIONS[name].type === 'boolean' && value !== undefined) {
      throw usageError(`${rawName} takes no value`);
    }
    options.set(name, { rawName, value });
  }
  return { positionals, options };
}

function connectionFrom(
  apiOption: string | undefined,
  keyOption: string | undefined,
  env: Environment,
): Connection {
  const apiUrl = apiOption ?? (env[API_URL_VARIABLE] || DEFAULT_API_URL);
  if (!isHttpUrl(apiUrl)) {
    const source = apiOption === undefined ? API_URL_VARIABLE : '--api';
    throw usageError(`${source} must be an http:// or https:// URL, not "${apiUrl}"`);
  }
  const apiKey = keyOption ?? (env[API_KEY_VARIABLE] || undefined);
  return { apiUrl: apiUrl.replace(/\/+$/, ''), apiKey };
}

function pollIntervalMs(option: string | undefined, commandName: CommandName): number {
  if (option === undefined) return DEFAULT_POLL_SECONDS * 1000;
  const seconds = Number(option);
  if (!Number.isFinite(seconds) || seconds < MIN_POLL_SECONDS || seconds > MAX_POLL_SECONDS) {
    throw usageError(
      `--interval must be a number of seconds from ${MIN_POLL_SECONDS} to ${MAX_POLL_SECONDS}, not "${option}"`,
      commandName,
    );
  }
  return Math.round(seconds * 1000);
}

function singleOperand(operands: string[], missing: string): string {
  const [operand, ...extra] = operands;
  if (operand === undefined) throw usageError(missing);
  if (extra.length > 0) throw usageError(`Unexpected argument "${extra[0]}"`);
  return operand;
}

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

const isCommandName = (text: string): text is CommandName =>
  (COMMAND_NAMES as readonly string[]).includes(text);
const isOptionName = (text: string): text is OptionName => Object.hasOwn(OPTIONS, text);

function usageError(message: string, topic?: CommandName): CliError {
  const help = topic === undefined ? 'image-batch help' : `image-batch help ${topic}`;
  return new CliError(message, ExitCode.Usage, { details: [`Run "${help}" for usage.`] });
}

/** The formats the service offers as variants, or `none`; the service checks the list again. */
function isVariantList(value: string): boolean {
  const items = value.split(',').map((item) => item.trim().toLowerCase());
  return items.length > 0 && items.every((item) => ['webp', 'avif', 'none'].includes(item));
}
