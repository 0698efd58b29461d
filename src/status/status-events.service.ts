import { Injectable, MessageEvent, OnModuleDestroy } from '@nestjs/common';
import {
  distinctUntilChanged,
  endWith,
  exhaustMap,
  finalize,
  interval,
  map,
  merge,
  Observable,
  ReplaySubject,
  share,
  Subject,
  takeUntil,
  takeWhile,
  timer,
} from 'rxjs';
import { RequestStatus } from '../requests/request-status';
import { RequestSummaryDto } from './dto/status-response.dto';
import { StatusService } from './status.service';

/** How often a watched request's row is read: once per interval however many clients watch. */
export const EVENTS_POLL_INTERVAL_MS = 1000;
/** Sent with the first event: how long an EventSource waits before it reconnects. */
export const EVENTS_RETRY_MS = 3000;
/** A comment this often keeps proxies from closing a stream that has nothing new to say. */
export const EVENTS_KEEP_ALIVE_MS = 15_000;

export const PROGRESS_EVENT = 'progress';
export const FINISHED_EVENT = 'finished';

const FINISHED: ReadonlySet<RequestStatus> = new Set([
  RequestStatus.Completed,
  RequestStatus.Failed,
  RequestStatus.Cancelled,
]);
const END = Symbol('end');

/**
 * Progress of a request as Server-Sent Events. The request row is polled, not pushed to: the
 * counters live in the database, written by workers that may run in other processes. One
 * poller per request id is shared by every connection of this process that watches it, so a
 * thousand browsers on one request cost one indexed read per interval; it stops when the last of
 * them leaves, or after the request's final state has been sent.
 */
@Injectable()
export class StatusEventsService implements OnModuleDestroy {
  private readonly watches = new Map<string, Observable<RequestSummaryDto>>();
  private readonly shutdown = new Subject<void>();

  constructor(private readonly statuses: StatusService) {}

  /**
   * The events of one connection: a `progress` event with the current summary at once and
   * whenever it changes, then a `finished` event once the request is Completed, Failed or Cancelled, and
   * the end of the stream. Keep-alive comments fill the silences. An unknown request is a
   * `NotFoundException` here, while an error answer can still be sent.
   */
  async open(requestId: string): Promise<Observable<MessageEvent>> {
    await this.statuses.summary(requestId);
    const summaries = this.watch(requestId).pipe(
      map((summary, index): MessageEvent => ({
        type: FINISHED.has(summary.status) ? FINISHED_EVENT : PROGRESS_EVENT,
        id: String(summary.progress.processed),
        retry: index === 0 ? EVENTS_RETRY_MS : undefined,
        data: summary,
      })),
    );
    const keepAlive = interval(EVENTS_KEEP_ALIVE_MS).pipe(
      map((): MessageEvent => ({ comment: 'keep-alive' })),
    );
    return merge(summaries.pipe(endWith(END)), keepAlive).pipe(
      takeWhile((event): event is MessageEvent => event !== END),
      takeUntil(this.shutdown),
    );
  }

  /** Open streams would hold the HTTP server open on shutdown; they end instead. */
  onModuleDestroy(): void {
    this.shutdown.next();
    this.shutdown.complete();
  }

  /** The request's summaries as they change, up to and including its final one. */
  private watch(requestId: string): Observable<RequestSummaryDto> {
    const existing = this.watches.get(requestId);
    if (existing) return existing;
    const watch: Observable<RequestSummaryDto> = timer(0, EVENTS_POLL_INTERVAL_MS).pipe(
      // A read still running when the next tick comes makes that tick skip, never pile up.
      exhaustMap(() => this.statuses.summary(requestId)),
      distinctUntilChanged((previous, next) => JSON.stringify(previous) === JSON.stringify(next)),
      takeWhile((summary) => !FINISHED.has(summary.status), true),
      finalize(() => {
        if (this.watches.get(requestId) === watch) this.watches.delete(requestId);
      }),
      // A late subscriber gets the latest summary at once instead of waiting for a change.
      share({
        connector: () => new ReplaySubject<RequestSummaryDto>(1),
        resetOnError: true,
        resetOnComplete: true,
        resetOnRefCountZero: true,
      }),
    );
    this.watches.set(requestId, watch);
    return watch;
  }
}
