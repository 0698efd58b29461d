import { EventSourceParserStream } from 'eventsource-parser/stream';

export interface StreamEvent {
  /** `message` when the server named none, as an EventSource says. */
  type: string;
  id: string | null;
  data: string;
}

/**
 * Reads a `text/event-stream` body, parsed by `eventsource-parser`, as an EventSource would but
 * from a `fetch()` response, which can carry the API key in a header. Resolves when the server
 * ends the stream; `retry` fields are reported to `onRetry`.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
  onEvent: (event: StreamEvent) => void,
  onRetry: (milliseconds: number) => void = () => undefined,
): Promise<void> {
  const events = body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream({ onRetry }))
    .getReader();
  for (;;) {
    const { done, value } = await events.read();
    if (done) return;
    onEvent({ type: value.event ?? 'message', id: value.id ?? null, data: value.data });
  }
}
