import { IncomingHttpHeaders } from 'node:http';
import { FixtureServer } from './fixture-server';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  answeredWith: number;
}

/** A loopback webhook receiver that records every POST and answers with scripted statuses. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly server = new FixtureServer();

  /** @param statuses status for each call in turn; the last one repeats. */
  constructor(private readonly statuses: number[] = [200]) {}

  async start(): Promise<this> {
    await this.server.start();
    this.server.route('/hook', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const status = this.statuses[Math.min(this.received.length, this.statuses.length - 1)];
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({
          headers: request.headers,
          body,
          json: JSON.parse(body) as unknown,
          answeredWith: status,
        });
        response.writeHead(status, { 'Content-Type': 'text/plain' }).end('ok');
      });
    });
    return this;
  }

  get url(): string {
    return this.server.url('/hook');
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
