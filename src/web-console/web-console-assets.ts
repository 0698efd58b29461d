import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the built web console is: a folder holding its index.html, script and stylesheet. */
export class WebConsoleAssets {
  constructor(readonly directory: string) {}

  /**
   * `dist/console` of the project (`npm run build:console` writes it), found from the project
   * root whether the service runs from dist/ or from its TypeScript sources.
   */
  static ofProject(): WebConsoleAssets {
    let directory = __dirname;
    while (!existsSync(join(directory, 'package.json')) && dirname(directory) !== directory) {
      directory = dirname(directory);
    }
    return new WebConsoleAssets(join(directory, 'dist', 'console'));
  }

  get built(): boolean {
    return existsSync(join(this.directory, 'index.html'));
  }
}
