/** The part of newman's programmatic API that the tests use (newman ships no types). */
declare module 'newman' {
  import { EventEmitter } from 'node:events';

  export interface NewmanRunOptions {
    collection: string | object;
    workingDir?: string;
    insecureFileRead?: boolean;
    envVar?: { key: string; value: string }[];
    reporters?: string | string[];
    timeoutRequest?: number;
  }

  export interface NewmanRunExecution {
    item: { name: string };
    response?: { code: number; text(): string };
    assertions?: { assertion: string; error?: { message: string } }[];
  }

  export interface NewmanRunSummary {
    run: {
      stats: Record<'requests' | 'assertions' | 'testScripts', { total: number; failed: number }>;
      failures: { error: { name: string; message: string }; source?: { name?: string } }[];
      executions: NewmanRunExecution[];
    };
  }

  export function run(
    options: NewmanRunOptions,
    callback: (error: Error | null, summary: NewmanRunSummary) => void,
  ): EventEmitter;
}
