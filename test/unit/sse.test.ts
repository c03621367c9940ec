import { describe, expect, it } from 'vitest';
import { parseSse, type SseMessage } from '../../src/client/sse.ts';

/** A body that arrives in the given pieces, as a network stream may split it anywhere. */
function body(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const message of parseSse(stream)) out.push(message);
  return out;
}

describe('parseSse', () => {
  it('reads events, ids and multi-line data, skipping comments and retry', async () => {
    const messages = await all(body('retry: 2000\n\n: ping\n\nid: 1\nevent: status\ndata: {"a":1}\n\nid: 2\ndata: line one\ndata: line two\n\n'));
    expect(messages).toEqual([
      { event: 'status', data: '{"a":1}', id: '1' },
      { event: 'message', data: 'line one\nline two', id: '2' },
    ]);
  });

  it('handles CRLF and CR line ends, also split between chunks, and no space after the colon', async () => {
    const messages = await all(body('id:7\r', '\nevent:progress\r\ndata:{"p":5}\r', '\n\r', '\nevent: x\rdata: y\r\r'));
    expect(messages).toEqual([
      { event: 'progress', data: '{"p":5}', id: '7' },
      { event: 'x', data: 'y', id: '7' },
    ]);
  });

  it('drops an event the stream ended in the middle of', async () => {
    expect(await all(body('event: status\ndata: {"a"', ':1}\n'))).toEqual([]);
  });
});
