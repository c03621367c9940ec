import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { jobInputKey } from '../../src/storage/job-blobs.ts';
import { deliver, freshTenant, R2_INPUT_TEXTS, type Client } from '../support/api.ts';

interface SseEvent {
  id: number;
  event: string;
  data: Record<string, unknown>;
}

/** Reads a text/event-stream body event by event. */
class EventReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private buffer = '';
  private readonly decoder = new TextDecoder();

  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader();
  }

  async next(): Promise<SseEvent | null> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const fields = Object.fromEntries(
          block
            .split('\n')
            .filter((line) => !line.startsWith(':') && line.includes(': '))
            .map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
        );
        if (fields.event) return { id: Number(fields.id), event: fields.event, data: JSON.parse(fields.data ?? 'null') as Record<string, unknown> };
        continue;
      }
      const chunk = await this.reader.read();
      if (chunk.done) return null;
      this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }

  async rest(): Promise<SseEvent[]> {
    const events: SseEvent[] = [];
    for (let e = await this.next(); e; e = await this.next()) events.push(e);
    return events;
  }
}

async function listen(client: Client, id: string, lastEventId?: number): Promise<EventReader> {
  const res = await client.request('GET', `/api/v1/jobs/${id}/events`, undefined, lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  if (!res.body) throw new Error('no body');
  return new EventReader(res.body);
}

const texts = (n: number) => Array.from({ length: n }, (_, i) => `Line ${i} is lovely`);

describe('GET /api/v1/jobs/:id/events', () => {
  it('sends the current state, every change in order, a final completed event, then closes — to every listener', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(texts(1100));
    const readers = await Promise.all([listen(client, id), listen(client, id), listen(client, id)]);
    for (const reader of readers) {
      expect(await reader.next()).toMatchObject({ event: 'status', data: { id, status: 'running' } });
    }
    for (let slice = 0; slice < 3; slice++) await deliver(await client.pendingMessage(id));

    const seen = await Promise.all(readers.map((r) => r.rest()));
    for (const events of seen) {
      expect(events.map((e) => e.event)).toEqual(['status', 'progress', 'status', 'progress', 'status', 'completed']);
      expect(events.filter((e) => e.event === 'progress').map((e) => e.data.progress)).toEqual([45.5, 90.9]);
      expect(events.at(-1)?.data).toMatchObject({ id, status: 'completed', progress: 100 });
      const ids = events.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect(seen[1]).toEqual(seen[0]);
  });

  it('ends with a failed event for a job that fails', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(R2_INPUT_TEXTS);
    const reader = await listen(client, id);
    await env.BLOBS.delete(jobInputKey(client.tenant, id));
    await deliver(await client.pendingMessage(id));
    const events = [await reader.next(), ...(await reader.rest())];
    expect(events.at(-1)).toMatchObject({ event: 'failed', data: { status: 'failed', errorDetails: { code: 'INPUT_MISSING' } } });
  });

  it('ends with a cancelled event, after a status event that says the stop was requested', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(texts(600));
    const reader = await listen(client, id);
    await reader.next();
    await client.json('DELETE', `/api/v1/jobs/${id}`);
    expect(await reader.next()).toMatchObject({ event: 'status', data: { cancelRequested: true } });
    await deliver(await client.pendingMessage(id));
    const rest = await reader.rest();
    expect(rest.map((e) => e.event)).toEqual(['status', 'cancelled']);
  });

  it('resumes with Last-Event-ID: a state already seen is not sent again; a finished job sends its end and closes', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(texts(600));
    const first = await listen(client, id);
    const initial = await first.next();
    const resumed = await listen(client, id, initial?.id);
    await deliver(await client.pendingMessage(id));
    // The resumed stream skips the state it had and continues with what came after.
    expect((await resumed.next())?.id).toBeGreaterThan(initial?.id ?? 0);
    await deliver(await client.pendingMessage(id));
    await resumed.rest();
    const late = await listen(client, id, 9999);
    expect(await late.rest()).toEqual([expect.objectContaining({ event: 'completed' })]);
  });

  it('answers 404 for unknown and foreign jobs', async () => {
    const owner = freshTenant();
    const id = await owner.createSentiment(['mine']);
    const res = await freshTenant().request('GET', `/api/v1/jobs/${id}/events`);
    expect(res.status).toBe(404);
  });
});
