import { existsSync } from 'node:fs';

/** Debian's Chromium (`apt-get install -y chromium`); playwright-core brings no browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * A suite that drives Chromium. Without the browser, it is skipped with a warning on a
 * developer's machine, so that the rest of the suite still runs; under `CI` (set, and not
 * `false` or `0`) it fails instead, so that a CI without a browser cannot pass unrun.
 */
export function describeInChromium(name: string, suite: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, suite);
  } else if (runsInCi()) {
    describe(name, () => {
      it('has Chromium to run in', () => {
        expect(`${CHROMIUM} missing`).toBe(`${CHROMIUM} present (apt-get install -y chromium)`);
      });
    });
  } else {
    console.warn(`Skipping "${name}": no ${CHROMIUM} (apt-get install -y chromium)`);
    describe.skip(name, suite);
  }
}

const runsInCi = (): boolean => !['', '0', 'false'].includes(process.env.CI ?? '');
