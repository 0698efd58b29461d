import { config as loadDotEnv } from 'dotenv';

/**
 * The files a process reads its settings from, in order of precedence: a person's own
 * `.env.local` (git-ignored), then the committed `.env` of development defaults. A variable
 * already set in the real environment wins over both.
 */
export const ENV_FILES = ['.env.local', '.env'] as const;

export function loadEnvFiles(): void {
  loadDotEnv({ path: [...ENV_FILES], quiet: true });
}
