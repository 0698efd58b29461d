import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Response } from 'express';
import { WebConsoleAssets } from './web-console-assets';

/** Content-hashed file names (`console-3KQ7ZD2M.js`) never change content. */
const HASHED = /-[A-Z0-9]{8}\.(js|css)(\.map)?$/;

/**
 * Serves the web console at `/`: static files, public like the page of any web app, since the
 * page holds no secret and every call it makes carries the user's own API key. They are mounted
 * after Nest's routes (during module init, as @nestjs/serve-static does), so no API route, /docs
 * or /queues is shadowed; a path that is no file falls through to the usual JSON 404.
 */
@Module({
  providers: [{ provide: WebConsoleAssets, useFactory: () => WebConsoleAssets.ofProject() }],
})
export class WebConsoleModule implements OnModuleInit {
  private readonly logger = new Logger(WebConsoleModule.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly assets: WebConsoleAssets,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!(adapter instanceof ExpressAdapter)) return;
    // Mounted even when not built yet: files written later (`npm run build:console` beside
    // `npm run start:dev`) are served without a restart.
    if (!this.assets.built) {
      this.logger.warn(
        `No web console in ${this.assets.directory}: run \`npm run build:console\` to serve it at /`,
      );
    }
    adapter.useStaticAssets(this.assets.directory, {
      index: 'index.html',
      redirect: false,
      setHeaders: (response: Response, path: string) => {
        response.setHeader(
          'Cache-Control',
          HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
}
