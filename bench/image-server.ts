import { FixtureServer } from '../test/helpers/fixture-server';
import { BenchImage } from './photo-corpus';

/**
 * Serves the bench images on loopback and notes when each path was first requested, so that a
 * worker's download start can be told apart from the time the image waited in the queue.
 */
export class ImageServer {
  private readonly server = new FixtureServer();
  private readonly firstHitAt = new Map<string, number>();

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  /** Serves every image under `/<batch>/<name>`; returns their URLs in order. */
  serve(batch: string, images: readonly BenchImage[]): string[] {
    return images.map((image) => {
      const path = `/${batch}/${image.name}`;
      return this.server.route(path, (_, response) => {
        if (!this.firstHitAt.has(path)) this.firstHitAt.set(path, Date.now());
        response.writeHead(200, {
          'Content-Type': image.contentType,
          'Content-Length': image.data.length,
        });
        response.end(image.data);
      });
    });
  }

  url(path: string): string {
    return this.server.url(path);
  }

  /** Epoch ms of the first request for `url`'s path, if it was requested. */
  firstHit(url: string): number | undefined {
    return this.firstHitAt.get(new URL(url).pathname);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
