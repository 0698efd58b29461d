export interface StreamEvent {
  type: string;
  id: string | null;
  data: string;
}

/**
 * Reads a `text/event-stream` body with a ReadableStream reader, as an EventSource would but
 * from a `fetch()` response, which can carry the API key in a header. Resolves when the server
 * ends the stream; `retry` fields are reported to `onRetry`.
 */
export async function readEventStream(
  response: Response,
  onEvent: (event: StreamEvent) => void,
  onRetry: (milliseconds: number) => void = () => undefined,
): Promise<void> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event: StreamEvent = { type: 'message', id: null, data: '' };
  let data: string[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    const lines = buffer.split(/\r\n|\r|\n/);
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') {
        if (data.length > 0) onEvent({ ...event, data: data.join('\n') });
        event = { type: 'message', id: null, data: '' };
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const content = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event.type = content;
      else if (field === 'id') event.id = content;
      else if (field === 'data') data.push(content);
      else if (field === 'retry' && /^\d+$/.test(content)) onRetry(Number(content));
    }
  }
}
