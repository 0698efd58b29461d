export interface ServerSentEvent {
  type: string;
  id?: string;
  retry?: number;
  data: string;
}

/**
 * Reads a `text/event-stream` response as it arrives. `next()` resolves with the next event,
 * or null once the server has ended the stream; comments are collected in `comments`.
 */
export class EventStreamReader {
  readonly comments: string[] = [];
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = '';

  constructor(readonly response: Response) {
    if (!response.body) throw new Error('The response has no body');
    this.reader = response.body.getReader();
  }

  async next(): Promise<ServerSentEvent | null> {
    for (;;) {
      const event = this.takeEvent();
      if (event) return event;
      const { done, value } = await this.reader.read();
      if (done) return null;
      this.buffer += this.decoder.decode(value, { stream: true });
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

  private takeEvent(): ServerSentEvent | null {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end < 0) return null;
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: ServerSentEvent = { type: 'message', data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line === '') continue;
        if (line.startsWith(':')) {
          this.comments.push(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.type = value;
        else if (field === 'id') event.id = value;
        else if (field === 'retry') event.retry = Number(value);
        else if (field === 'data') data.push(value);
      }
      if (data.length === 0) continue;
      event.data = data.join('\n');
      return event;
    }
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
