import { createParser, EventSourceParser } from 'eventsource-parser';

export interface ServerSentEvent {
  type: string;
  id?: string;
  retry?: number;
  data: string;
}

/**
 * Reads a `text/event-stream` response as it arrives, parsed by `eventsource-parser`. `next()`
 * resolves with the next event, or null once the server has ended the stream; comments are
 * collected in `comments`. A `retry` field is given with the event it came with.
 */
export class EventStreamReader {
  readonly comments: string[] = [];
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private readonly parser: EventSourceParser;
  private readonly parsed: ServerSentEvent[] = [];
  private retry: number | undefined;

  constructor(readonly response: Response) {
    if (!response.body) throw new Error('The response has no body');
    this.reader = response.body.getReader();
    this.parser = createParser({
      onRetry: (retry) => (this.retry = retry),
      onComment: (comment) => this.comments.push(comment.trim()),
      onEvent: ({ event, id, data }) => {
        this.parsed.push({
          type: event ?? 'message',
          ...(id === undefined ? {} : { id }),
          ...(this.retry === undefined ? {} : { retry: this.retry }),
          data,
        });
        this.retry = undefined;
      },
    });
  }

  async next(): Promise<ServerSentEvent | null> {
    for (;;) {
      const event = this.parsed.shift();
      if (event) return event;
      const { done, value } = await this.reader.read();
      if (done) return null;
      this.parser.feed(this.decoder.decode(value, { stream: true }));
    }
  }

  /** Events until one matches, failing if the stream ends first. */
  async until(matches: (event: ServerSentEvent) => boolean): Promise<ServerSentEvent[]> {
    const seen: ServerSentEvent[] = [];
    for (;;) {
      const event = await this.next();
      if (!event) throw new Error(`The stream ended after ${JSON.stringify(seen)}`);
      seen.push(event);
      if (matches(event)) return seen;
    }
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

/** Opens the progress events of a request. */
export async function openEvents(
  baseUrl: string,
  requestId: string,
  headers: Record<string, string> = {},
): Promise<EventStreamReader> {
  const response = await fetch(`${baseUrl}/status/${requestId}/events`, {
    headers: { Accept: 'text/event-stream', ...headers },
  });
  return new EventStreamReader(response);
}
