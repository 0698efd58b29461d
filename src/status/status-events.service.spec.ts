import { MessageEvent, NotFoundException } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { RequestStatus } from '../requests/request-status';
import { RequestSummaryDto } from './dto/status-response.dto';
import {
  EVENTS_KEEP_ALIVE_MS,
  EVENTS_POLL_INTERVAL_MS,
  StatusEventsService,
} from './status-events.service';
import { StatusService } from './status.service';

const REQUEST_ID = '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a';

function summary(status: RequestStatus, processed: number): RequestSummaryDto {
  return {
    request_id: REQUEST_ID,
    status,
    file_name: 'products.csv',
    progress: {
      total: 2,
      processed,
      succeeded: processed,
      failed: 0,
      cancelled: 0,
      pending: 2 - processed,
      reused: 0,
      percent: processed * 50,
    },
    retries: 0,
    cancelled_at: null,
    scores: null,
    variants: null,
    output_csv_url: null,
    report_csv_url: null,
    webhook_url: null,
    webhook: null,
    created_at: '2025-11-25T10:00:00.000Z',
    updated_at: '2025-11-25T10:00:00.000Z',
    completed_at: null,
  };
}

describe('StatusEventsService', () => {
  let current: RequestSummaryDto;
  let reads: number;
  let service: StatusEventsService;

  beforeEach(() => {
    jest.useFakeTimers();
    current = summary(RequestStatus.Processing, 0);
    reads = 0;
    const statuses = {
      summary: (requestId: string) => {
        if (requestId !== REQUEST_ID) throw new NotFoundException();
        reads += 1;
        return Promise.resolve(current);
      },
    } as unknown as StatusService;
    service = new StatusEventsService(statuses);
  });

  afterEach(() => jest.useRealTimers());

  const listen = async () => {
    const events: MessageEvent[] = [];
    let ended = false;
    const subscription = (await service.open(REQUEST_ID)).subscribe({
      next: (event) => events.push(event),
      complete: () => (ended = true),
    });
    return { events, subscription, ended: () => ended };
  };
  const tick = (times = 1) => jest.advanceTimersByTimeAsync(EVENTS_POLL_INTERVAL_MS * times);

  it('reads the request once per interval however many connections watch it', async () => {
    const connections = await Promise.all(Array.from({ length: 50 }, () => listen()));
    await tick(5);
    // Each connection checks once that the request exists; the rest is the shared poller's.
    const pollerReads = reads - connections.length;

    expect(pollerReads).toBe(1 + 5);
    for (const { events } of connections) expect(events).toHaveLength(1);
    connections.forEach(({ subscription }) => subscription.unsubscribe());
  });

  it('sends a change only, then the final state as "finished", then ends', async () => {
    const connection = await listen();
    await tick(2);
    current = summary(RequestStatus.Processing, 1);
    await tick();
    current = summary(RequestStatus.Completed, 2);
    await tick();

    expect(connection.events.map((event) => [event.type, event.id, event.retry])).toEqual([
      ['progress', '0', 3000],
      ['progress', '1', undefined],
      ['finished', '2', undefined],
    ]);
    expect(connection.ended()).toBe(true);
    const readsWhenDone = reads;
    await tick(3);
    expect(reads).toBe(readsWhenDone);
  });

  it('stops reading once the last connection has gone', async () => {
    const connections: Subscription[] = [
      (await listen()).subscription,
      (await listen()).subscription,
    ];
    await tick();
    connections[0].unsubscribe();
    await tick();
    const readsWithOne = reads;
    connections[1].unsubscribe();
    await tick(3);

    expect(readsWithOne).toBeGreaterThan(3);
    expect(reads).toBe(readsWithOne);
  });

  it('keeps a quiet stream alive with comments', async () => {
    const connection = await listen();
    await jest.advanceTimersByTimeAsync(EVENTS_KEEP_ALIVE_MS);

    expect(connection.events.filter((event) => event.comment === 'keep-alive')).toHaveLength(1);
    connection.subscription.unsubscribe();
  });

  it('ends every stream when the module is destroyed', async () => {
    const connection = await listen();
    service.onModuleDestroy();

    expect(connection.ended()).toBe(true);
  });

  it('rejects an unknown request before any event', async () => {
    await expect(service.open('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });
});
