import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import type { SampleImage } from './sample-catalogue';

/** Serves the sample images on 127.0.0.1, each at `/<file name>`; anything else is a 404. */
export class SampleImageServer {
  private constructor(private readonly server: Server) {}

  /** Listens on `port` (0: any free port); rejects with the listen error, e.g. EADDRINUSE. */
  static async start(images: readonly SampleImage[], port: number): Promise<SampleImageServer> {
    const byPath = new Map(images.map((image) => [`/${image.fileName}`, image]));
    const server = createServer((request, response) => {
      const image = byPath.get((request.url ?? '/').split('?')[0]);
      if (!image || (request.method !== 'GET' && request.method !== 'HEAD')) {
        response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
        return;
      }
      response.writeHead(200, {
        'Content-Type': image.contentType,
        'Content-Length': image.data.length,
      });
      response.end(request.method === 'GET' ? image.data : undefined);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new SampleImageServer(server);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
