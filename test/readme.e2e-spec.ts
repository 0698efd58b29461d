import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { demoSettings } from '../scripts/demo/demo-settings';
import { runCliProcess } from './helpers/cli-process';

const ROOT = resolve(__dirname, '..');
const README = readFileSync(resolve(ROOT, 'README.md'), 'utf8');

/** The fenced code blocks of the README, with their language. */
function codeBlocks(markdown: string): { language: string; text: string }[] {
  return [...markdown.matchAll(/^( *)```(\w*)\n([\s\S]*?)^\1```$/gm)].map(
    ([, indent, language, text]) => ({
      language,
      text: text.replace(new RegExp(`^${indent}`, 'gm'), ''),
    }),
  );
}

/**
 * Blocks that show the help of the CLI as a terminal does: `$ image-batch --help` (or
 * `$ image-batch help <command>`) on the first line, then what it printed.
 */
const helpBlocks = codeBlocks(README)
  .map(({ text }) => /^\$ image-batch ((?:--help|help(?: \w+)?))\n([\s\S]*)$/.exec(text))
  .filter((match): match is RegExpExecArray => match !== null)
  .map(([, command, printed]) => ({ args: command.split(' '), printed }));

/** The CSV files the README's commands and code read: `submit X.csv`, `file=@X.csv`, `'X.csv'`. */
const csvFilesUsed = [
  ...new Set(
    codeBlocks(README)
      .filter(({ language }) => ['bash', 'ts'].includes(language))
      .flatMap(({ text }) => [...text.matchAll(/(?:submit |file=@|')([\w./-]+\.csv)\b/g)])
      .map(([, file]) => file),
  ),
];

describe('README.md', () => {
  it('shows the help of the CLI, and of its submit command', () => {
    expect(helpBlocks.map(({ args }) => args.join(' '))).toEqual(
      expect.arrayContaining(['--help', 'help submit']),
    );
  });

  it.each(helpBlocks.map((block) => [block.args.join(' '), block] as const))(
    'prints `image-batch %s` as the CLI prints it',
    async (_, { args, printed }) => {
      const run = await runCliProcess(args);

      expect(run).toMatchObject({ exitCode: 0, stderr: '' });
      expect(printed).toBe(run.stdout);
    },
  );

  it('uploads, in its examples, only CSV files that are there: the demo’s or committed ones', () => {
    const demoCsv = relative(ROOT, demoSettings({}, ROOT).csvPath);

    expect(csvFilesUsed).toContain(demoCsv);
    for (const file of csvFilesUsed) {
      expect({ file, there: file === demoCsv || existsSync(resolve(ROOT, file)) }).toEqual({
        file,
        there: true,
      });
    }
  });
});
