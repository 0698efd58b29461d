import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../common/project';

/** Where the built web console is: a folder holding its index.html, script and stylesheet. */
export class WebConsoleAssets {
  constructor(readonly directory: string) {}

  /**
   * `dist/console` of the project (`npm run build:console` writes it), found from the project
   * root whether the service runs from dist/ or from its TypeScript sources.
   */
  static ofProject(): WebConsoleAssets {
    return new WebConsoleAssets(join(projectRoot(), 'dist', 'console'));
  }

  get built(): boolean {
    return existsSync(join(this.directory, 'index.html'));
  }
}
