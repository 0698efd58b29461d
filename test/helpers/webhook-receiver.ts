import { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { FixtureServer } from './fixture-server';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  answeredWith: number;
  receivedAt: number;
}

/** A loopback webhook receiver that records every POST and answers with scripted statuses. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** How long each call is held before it is answered (recorded at once all the same). */
  holdAnswersMs = 0;
  private readonly server = new FixtureServer();

  /**
   * @param statuses status for each call in turn; the last one repeats.
   * @param extraHeaders response headers for the call with that index (0-based).
   * @param answerBody what every answer says.
   */
  constructor(
    private readonly statuses: number[] = [200],
    private readonly extraHeaders: Record<number, OutgoingHttpHeaders> = {},
    private readonly answerBody: string = 'ok',
  ) {}

  async start(): Promise<this> {
    await this.server.start();
    this.server.route('/hook', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const index = this.received.length;
        const status = this.statuses[Math.min(index, this.statuses.length - 1)];
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({
          headers: request.headers,
          body,
          json: JSON.parse(body) as unknown,
          answeredWith: status,
          receivedAt: Date.now(),
        });
        const location = status >= 300 && status < 400 ? { Location: '/elsewhere' } : {};
        const answer = () =>
          response
            .writeHead(status, {
              'Content-Type': 'text/plain',
              ...location,
              ...this.extraHeaders[index],
            })
            .end(this.answerBody);
        if (this.holdAnswersMs > 0) setTimeout(answer, this.holdAnswersMs);
        else answer();
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
