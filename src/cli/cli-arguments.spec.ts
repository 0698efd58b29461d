import { helpText, parseCliArguments } from './cli-arguments';
import { CliError } from './cli-error';
import { ExitCode } from './exit-codes';

const REQUEST_ID = '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a';

function usageMessage(args: string[], env = {}): string {
  try {
    parseCliArguments(args, env);
  } catch (error) {
    if (error instanceof CliError && error.exitCode === ExitCode.Usage) return error.message;
    throw error;
  }
  throw new Error(`${args.join(' ')} was accepted`);
}

describe('parseCliArguments', () => {
  describe('submit', () => {
    it('reads the file and every option, in any order', () => {
      const command = parseCliArguments(
        [
          '--api',
          'https://images.example.com/',
          'submit',
          '--webhook',
          'https://hooks.example.com/done',
          'products.csv',
        ],
        {},
      );
      expect(command).toMatchObject({
        name: 'submit',
        csvFile: 'products.csv',
        webhookUrl: 'https://hooks.example.com/done',
        refresh: false,
        connection: { apiUrl: 'https://images.example.com' },
      });

      expect(
        parseCliArguments(
          [
            'submit',
            '-w',
            'products.csv',
            '--json',
            '--interval',
            '2.5',
            '--key',
            'k1',
            '--idempotency-key',
            'order-42',
            '--allow-failures',
            '--refresh',
            '--variants',
            'webp,avif',
          ],
          {},
        ),
      ).toEqual({
        name: 'submit',
        csvFile: 'products.csv',
        webhookUrl: undefined,
        refresh: true,
        variants: 'webp,avif',
        wait: true,
        outFile: undefined,
        reportFile: undefined,
        pollIntervalMs: 2500,
        idempotencyKey: 'order-42',
        allowFailures: true,
        json: true,
        connection: { apiUrl: 'http://localhost:3000', apiKey: 'k1' },
      });
    });

    it('waits when asked for the output CSV, and polls every second by default', () => {
      expect(parseCliArguments(['submit', 'products.csv', '-o', 'out.csv'], {})).toMatchObject({
        wait: true,
        outFile: 'out.csv',
        pollIntervalMs: 1000,
      });
      expect(parseCliArguments(['submit', 'products.csv'], {})).toMatchObject({ wait: false });
    });

    it('waits when asked for the report', () => {
      expect(
        parseCliArguments(['submit', 'products.csv', '--report', 'report.csv'], {}),
      ).toMatchObject({ wait: true, outFile: undefined, reportFile: 'report.csv' });
    });

    it('takes the address and key from the environment, and the options over it', () => {
      const env = { IMAGE_BATCH_API: 'http://batch.internal:8080//', IMAGE_BATCH_KEY: 'from-env' };

      expect(parseCliArguments(['submit', 'a.csv'], env)).toMatchObject({
        connection: { apiUrl: 'http://batch.internal:8080', apiKey: 'from-env' },
      });
      expect(
        parseCliArguments(['submit', 'a.csv', '--api', 'http://other', '--key', 'own'], env),
      ).toMatchObject({
        connection: { apiUrl: 'http://other', apiKey: 'own' },
      });
      expect(parseCliArguments(['submit', 'a.csv'], { IMAGE_BATCH_KEY: '' })).toMatchObject({
        connection: { apiKey: undefined },
      });
    });

    it('leaves the idempotency key to the upload unless one is given, taking any printable one', () => {
      expect(parseCliArguments(['submit', 'a.csv'], {})).toMatchObject({
        idempotencyKey: undefined,
      });
      for (const key of ['k', 'batch 7, "spring" \\ final', 'x'.repeat(255)]) {
        expect(
          parseCliArguments(['submit', 'a.csv', `--idempotency-key=${key}`], {}),
        ).toMatchObject({ idempotencyKey: key });
      }
    });

    it('treats an argument after -- as a file name even when it starts with a dash', () => {
      expect(parseCliArguments(['submit', '--', '-products.csv'], {})).toMatchObject({
        csvFile: '-products.csv',
      });
    });

    it.each([
      [['submit'], 'submit needs the CSV file: image-batch submit <file.csv>'],
      [['submit', 'a.csv', 'b.csv'], 'Unexpected argument "b.csv"'],
      [['submit', 'a.csv', '--out'], '--out needs a value'],
      [['submit', 'a.csv', '--out', '--json'], '--out needs a value'],
      [['submit', 'a.csv', '--wait=yes'], '--wait takes no value'],
      [
        ['submit', 'a.csv', '--webhook', 'ftp://x.example'],
        '--webhook must be an http:// or https:// URL, not "ftp://x.example"',
      ],
      [
        ['submit', 'a.csv', '--interval', '0'],
        '--interval must be a number of seconds from 0.1 to 3600, not "0"',
      ],
      [
        ['submit', 'a.csv', '--interval', 'soon'],
        '--interval must be a number of seconds from 0.1 to 3600, not "soon"',
      ],
      [
        ['submit', 'a.csv', '--api', 'localhost:3000'],
        '--api must be an http:// or https:// URL, not "localhost:3000"',
      ],
      [['submit', 'a.csv', '--colour'], 'Unknown option --colour'],
      [['submit', 'a.csv', '--idempotency-key'], '--idempotency-key needs a value'],
      [['submit', 'a.csv', '--idempotency-key='], '--idempotency-key needs a value'],
      [
        ['submit', 'a.csv', '--idempotency-key', 'commande-n°1'],
        '--idempotency-key must be 1 to 255 printable ASCII characters, not "commande-n°1"',
      ],
      [
        ['submit', 'a.csv', '--idempotency-key', 'tab\there'],
        '--idempotency-key must be 1 to 255 printable ASCII characters, not "tab\there"',
      ],
      [
        ['submit', 'a.csv', `--idempotency-key=${'x'.repeat(256)}`],
        `--idempotency-key must be 1 to 255 printable ASCII characters, not "${'x'.repeat(256)}"`,
      ],
      [
        ['submit', 'a.csv', '--variants', 'webp,jxl'],
        '--variants must be webp, avif or both, comma-separated, or none; not "webp,jxl"',
      ],
    ])('refuses %j: %s', (args, message) => {
      expect(usageMessage(args)).toBe(message);
    });

    it('names the variable when the address in the environment is wrong', () => {
      expect(usageMessage(['submit', 'a.csv'], { IMAGE_BATCH_API: 'batch.internal' })).toBe(
        'IMAGE_BATCH_API must be an http:// or https:// URL, not "batch.internal"',
      );
    });
  });

  describe('status', () => {
    it('reads the request id, in lower case', () => {
      expect(parseCliArguments(['status', REQUEST_ID.toUpperCase(), '--json'], {})).toEqual({
        name: 'status',
        requestId: REQUEST_ID,
        allowFailures: false,
        json: true,
        connection: { apiUrl: 'http://localhost:3000', apiKey: undefined },
      });
    });

    it.each([
      [['status'], 'status needs a request id: image-batch status <id>'],
      [
        ['status', '42'],
        '"42" is not a request id; it looks like 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a',
      ],
      [['status', REQUEST_ID, '--wait'], 'status does not take --wait'],
      [['status', REQUEST_ID, '-o', 'out.csv'], 'status does not take -o'],
      [['status', REQUEST_ID, '--report', 'r.csv'], 'status does not take --report'],
      [['status', REQUEST_ID, '--idempotency-key', 'k'], 'status does not take --idempotency-key'],
    ])('refuses %j: %s', (args, message) => {
      expect(usageMessage(args)).toBe(message);
    });
  });

  describe('cancel, retry and delete', () => {
    it('reads the request id of each, in lower case, with --json', () => {
      expect(parseCliArguments(['cancel', REQUEST_ID.toUpperCase(), '--json'], {})).toEqual({
        name: 'cancel',
        requestId: REQUEST_ID,
        json: true,
        connection: { apiUrl: 'http://localhost:3000', apiKey: undefined },
      });
      expect(parseCliArguments(['delete', REQUEST_ID], {})).toMatchObject({
        name: 'delete',
        requestId: REQUEST_ID,
        json: false,
      });
    });

    it('follows a retry with --wait, polling as asked', () => {
      expect(
        parseCliArguments(['retry', REQUEST_ID, '-w', '--interval', '0.5', '--allow-failures'], {}),
      ).toMatchObject({
        name: 'retry',
        requestId: REQUEST_ID,
        wait: true,
        pollIntervalMs: 500,
        allowFailures: true,
      });
      expect(parseCliArguments(['retry', REQUEST_ID], {})).toMatchObject({
        wait: false,
        pollIntervalMs: 1000,
      });
    });

    it.each([
      [['cancel'], 'cancel needs a request id: image-batch cancel <id>'],
      [['delete', 'latest'], '"latest" is not a request id; it looks like ' + REQUEST_ID],
      [['retry', REQUEST_ID, REQUEST_ID], `Unexpected argument "${REQUEST_ID}"`],
      [['cancel', REQUEST_ID, '--wait'], 'cancel does not take --wait'],
      [['delete', REQUEST_ID, '--allow-failures'], 'delete does not take --allow-failures'],
      [['retry', REQUEST_ID, '--out', 'x.csv'], 'retry does not take --out'],
      [
        ['retry', REQUEST_ID, '--interval', '0'],
        '--interval must be a number of seconds from 0.1 to 3600, not "0"',
      ],
    ])('refuses %j: %s', (args, message) => {
      expect(usageMessage(args)).toBe(message);
    });

    it('has help for each', () => {
      for (const topic of ['cancel', 'retry', 'delete'] as const) {
        expect(parseCliArguments([topic, '--help'], {})).toEqual({ name: 'help', topic });
        expect(helpText(topic)).toMatch(new RegExp(`^Usage: image-batch ${topic} <request-id>`));
      }
      expect(helpText()).toMatch(/^ {2}cancel <request-id> {3}Stop a running request$/m);
    });
  });

  describe('help', () => {
    it('answers --help, -h and help, for a command or in general', () => {
      expect(parseCliArguments(['--help'], {})).toEqual({ name: 'help' });
      expect(parseCliArguments(['help'], {})).toEqual({ name: 'help', topic: undefined });
      expect(parseCliArguments(['help', 'status'], {})).toEqual({ name: 'help', topic: 'status' });
      expect(parseCliArguments(['submit', '-h'], {})).toEqual({ name: 'help', topic: 'submit' });
    });

    it('shows the usage, as a usage error, when there is no command', () => {
      expect(usageMessage([])).toMatch(/^Usage: image-batch <command> \[options\]\n/);
    });

    it.each([
      [
        ['compress', 'a.csv'],
        'Unknown command "compress"; the commands are submit, status, cancel, retry and delete',
      ],
      [
        ['help', 'compress'],
        'There is no help on "compress"; the commands are submit, status, cancel, retry and delete',
      ],
    ])('refuses %j: %s', (args, message) => {
      expect(usageMessage(args)).toBe(message);
    });
  });
});
