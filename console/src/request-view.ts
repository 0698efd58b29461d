import { Api, ApiError, ImageResult, isAbort, RequestSummary, StatusResponse } from './api';
import { byId, fill, h } from './dom';
import { clearError, showError } from './errors';
import { readEventStream } from './event-stream';
import { bytes, count, dateTime, percent, quality, savedPercent } from './format';
import { ImageViewer } from './image-viewer';
import { RequestActions } from './request-actions';
import { Thumbnails } from './thumbnails';

const PAGE_SIZE = 25;
const POLL_INTERVAL_MS = 2000;
/** How the switch of the before/after view names each variant format. */
const VARIANT_LABELS = { webp: 'WebP', avif: 'AVIF' } as const;

/** Failed stream attempts in a row before the view falls back to polling. */
const STREAM_ATTEMPTS = 3;
/** Image rows are read again at most this often while the request runs. */
const ROWS_REFRESH_MS = 1500;
/** Pages of 1000 images read to add up the savings of a finished request. */
const SAVINGS_PAGES = 20;
const WEBHOOK_POLLS = 100;

const FINISHED = new Set<RequestSummary['status']>(['Completed', 'Failed', 'Cancelled']);

/**
 * The live view of one request. Progress comes from the event stream (`fetch()` and a stream
 * reader, so that the API key can go in a header), or from polling the status when the stream
 * keeps failing. The images are read a page at a time, again as they finish; rows that did not
 * change are kept, so their thumbnails are not loaded again.
 */
export class RequestView {
  private readonly section = byId('request-view', HTMLElement);
  private readonly title = byId('request-title', HTMLHeadingElement);
  private readonly statusBadge = byId('request-status', HTMLSpanElement);
  private readonly connection = byId('request-connection', HTMLSpanElement);
  private readonly progress = byId('request-progress', HTMLProgressElement);
  private readonly progressText = byId('progress-text', HTMLParagraphElement);
  private readonly announcer = byId('progress-announcer', HTMLParagraphElement);
  private readonly error = byId('request-error', HTMLDivElement);
  private readonly savings = byId('request-savings', HTMLElement);
  private readonly download = byId('download-csv', HTMLButtonElement);
  private readonly downloadReport = byId('download-report', HTMLButtonElement);
  private readonly scores = byId('request-scores', HTMLElement);
  private readonly webhook = byId('request-webhook', HTMLElement);
  private readonly body = byId('images-body', HTMLTableSectionElement);
  private readonly caption = byId('images-caption', HTMLTableCaptionElement);
  private readonly previous = byId('images-previous', HTMLButtonElement);
  private readonly next = byId('images-next', HTMLButtonElement);

  private requestId: string | null = null;
  private lifetime = new AbortController();
  private summary: RequestSummary | null = null;
  private after = 0;
  private earlierPages: number[] = [];
  private nextAfter: number | null = null;
  private rows = new Map<number, { key: string; row: HTMLTableRowElement }>();
  private rowsTimer: number | undefined;
  private lastAnnounced = '';
  private readonly actions: RequestActions;

  constructor(
    private readonly api: Api,
    private readonly thumbnails: Thumbnails,
    private readonly viewer: ImageViewer,
    private readonly onSummary: (summary: RequestSummary) => void = () => undefined,
    onDeleted: (requestId: string) => void = () => undefined,
  ) {
    // A cancelled or retried request is read again from the start: its progress may go back.
    this.actions = new RequestActions(
      api,
      (requestId) => this.show(requestId, { focus: false }),
      onDeleted,
    );
    this.download.addEventListener('click', () => void this.downloadCsv());
    this.downloadReport.addEventListener('click', () => void this.downloadReportCsv());
    this.next.addEventListener('click', () => {
      if (this.nextAfter === null) return;
      this.earlierPages.push(this.after);
      this.turnTo(this.nextAfter);
    });
    this.previous.addEventListener('click', () => {
      const after = this.earlierPages.pop();
      if (after !== undefined) this.turnTo(after);
    });
  }

  get current(): string | null {
    return this.requestId;
  }

  /**
   * Shows a request; `focus` moves the keyboard focus to its heading and scrolls the panel to
   * the top of the window, as after navigating.
   */
  show(requestId: string, { focus = true } = {}): void {
    this.close();
    this.requestId = requestId;
    this.section.hidden = false;
    fill(this.title, 'Request ', h('code', {}, requestId));
    if (focus) {
      this.title.focus({ preventScroll: true });
      this.section.scrollIntoView({ block: 'start' });
    }
    const signal = this.lifetime.signal;
    void this.loadRows(signal).then((found) => (found ? this.follow(signal) : undefined));
  }

  hide(): void {
    this.close();
    this.section.hidden = true;
  }

  private close(): void {
    this.lifetime.abort();
    this.lifetime = new AbortController();
    window.clearTimeout(this.rowsTimer);
    this.rowsTimer = undefined;
    this.thumbnails.release();
    this.requestId = null;
    this.summary = null;
    this.after = 0;
    this.earlierPages = [];
    this.nextAfter = null;
    this.rows = new Map();
    this.lastAnnounced = '';
    fill(this.body);
    fill(this.caption);
    fill(this.statusBadge);
    fill(this.progressText);
    fill(this.announcer);
    fill(this.savings, 'Known once the request has finished.');
    fill(this.webhook);
    this.setConnection('');
    this.progress.max = 1;
    this.progress.value = 0;
    this.download.disabled = true;
    this.downloadReport.disabled = true;
    fill(this.scores);
    this.actions.render(null);
    this.previous.disabled = true;
    this.next.disabled = true;
    clearError(this.error);
  }

  // ---- progress ----

  /** Follows the event stream until the request finishes; polls when the stream keeps failing. */
  private async follow(signal: AbortSignal): Promise<void> {
    const requestId = this.requestId;
    if (!requestId || signal.aborted || this.isFinished()) return;
    let retryMs = 3000;
    let failures = 0;
    while (!signal.aborted) {
      let received = false;
      let finished = false;
      try {
        this.setConnection('Connecting…');
        const stream = await this.api.events(requestId, signal);
        this.setConnection('Live');
        await readEventStream(
          stream,
          (event) => {
            if (event.type !== 'progress' && event.type !== 'finished') return;
            received = true;
            finished = event.type === 'finished';
            this.applySummary(JSON.parse(event.data) as RequestSummary, signal);
          },
          (milliseconds) => (retryMs = milliseconds),
        );
      } catch (error) {
        if (isAbort(error)) return;
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
          this.setConnection('');
          showError(this.error, error);
          return;
        }
      }
      if (finished) {
        this.setConnection('');
        return;
      }
      failures = received ? 1 : failures + 1;
      if (failures >= STREAM_ATTEMPTS) return this.poll(signal);
      this.setConnection('Connection lost; reconnecting…');
      if (!(await pause(retryMs, signal))) return;
    }
  }

  /** The fallback: the status page, every few seconds, until the request finishes. */
  private async poll(signal: AbortSignal): Promise<void> {
    const requestId = this.requestId;
    this.setConnection(`Live updates unavailable; checking every ${POLL_INTERVAL_MS / 1000} s`);
    while (requestId && !signal.aborted && !this.isFinished()) {
      try {
        const status = await this.api.status(
          requestId,
          { after: this.after, limit: PAGE_SIZE },
          signal,
        );
        this.showRows(status);
        this.applySummary(status, signal, true);
      } catch (error) {
        if (isAbort(error)) return;
      }
      if (!(await pause(POLL_INTERVAL_MS, signal))) return;
    }
    this.setConnection('');
  }

  /** `rowsRead`: the summary came with the current page of images, which need no new read. */
  private applySummary(summary: RequestSummary, signal: AbortSignal, rowsRead = false): void {
    const previous = this.summary;
    // A status page read before the latest event must not take the progress back.
    if (previous && summary.progress.processed < previous.progress.processed) return;
    this.summary = summary;
    this.renderSummary(summary);
    this.onSummary(summary);
    const finished = FINISHED.has(summary.status);
    const wasFinished = previous !== null && FINISHED.has(previous.status);
    if (finished && !wasFinished) {
      window.clearTimeout(this.rowsTimer);
      this.rowsTimer = undefined;
      if (!rowsRead) void this.loadRows(signal);
      void this.addUpSavings(signal);
      void this.followWebhook(signal);
    } else if (!finished && summary.progress.processed !== previous?.progress.processed) {
      this.refreshRowsSoon(signal);
    }
  }

  private renderSummary(summary: RequestSummary): void {
    const { total, processed, succeeded, failed, pending, reused } = summary.progress;
    this.statusBadge.textContent = summary.status;
    this.statusBadge.className = `badge badge-${summary.status.toLowerCase()}`;
    this.progress.max = Math.max(total, 1);
    this.progress.value = total === 0 ? 1 : processed;
    this.progressText.textContent =
      `${count(processed)} of ${count(total)} images processed ` +
      `(${percent(summary.progress.percent)}): ${count(succeeded)} compressed` +
      (reused > 0 ? ` (${count(reused)} reused from earlier requests)` : '') +
      `, ${count(failed)} failed, ${count(pending)} waiting.`;
    this.announce(summary);
    this.download.disabled = summary.output_csv_url === null;
    this.downloadReport.disabled = summary.report_csv_url === null;
    fill(
      this.scores,
      summary.scores
        ? `mean ${summary.scores.mean.toFixed(4)}, lowest ${summary.scores.min.toFixed(4)} ` +
            `(SSIM against the source, over ${count(summary.scores.scored)} images)`
        : 'None yet.',
    );
    this.renderWebhook(summary.webhook);
    this.actions.render(summary);
  }

  /** Says the status, and each quarter of the way, rather than every change. */
  private announce(summary: RequestSummary): void {
    const quarter = Math.floor(summary.progress.percent / 25) * 25;
    const message = FINISHED.has(summary.status)
      ? `Request ${summary.status.toLowerCase()}: ${count(summary.progress.succeeded)} of ` +
        `${count(summary.progress.total)} images compressed, ${count(summary.progress.failed)} failed.`
      : `Request ${summary.status.toLowerCase()}, ${quarter}% processed.`;
    if (message === this.lastAnnounced) return;
    this.lastAnnounced = message;
    this.announcer.textContent = message;
  }

  private renderWebhook(webhook: RequestSummary['webhook']): void {
    if (!webhook) {
      fill(this.webhook, 'None');
      return;
    }
    const state =
      webhook.status === null
        ? 'Called once the request has finished'
        : { pending: 'Pending', delivered: 'Delivered', failed: 'Failed' }[webhook.status];
    fill(
      this.webhook,
      h('span', {}, webhook.url),
      h('br'),
      `${state}; ${count(webhook.attempts)} attempt${webhook.attempts === 1 ? '' : 's'}`,
      webhook.last_error ? `; last error: ${webhook.last_error}` : '',
      webhook.next_attempt_at ? `; next attempt ${dateTime(webhook.next_attempt_at)}` : '',
    );
  }

  /** After the request, the webhook is still on its way: its state is read until it settles. */
  private async followWebhook(signal: AbortSignal): Promise<void> {
    const requestId = this.requestId;
    for (let polls = 0; requestId && polls < WEBHOOK_POLLS; polls++) {
      const webhook = this.summary?.webhook;
      if (!webhook || webhook.status === 'delivered' || webhook.status === 'failed') return;
      if (!(await pause(POLL_INTERVAL_MS, signal))) return;
      try {
        const status = await this.api.status(requestId, { after: 0, limit: 1 }, signal);
        this.applySummary(status, signal);
      } catch (error) {
        if (isAbort(error)) return;
      }
    }
  }

  private isFinished(): boolean {
    return this.summary !== null && FINISHED.has(this.summary.status);
  }

  private setConnection(text: string): void {
    this.connection.textContent = text;
  }

  // ---- images ----

  private turnTo(after: number): void {
    this.after = after;
    void this.loadRows(this.lifetime.signal).then(() =>
      this.body.closest('table')?.scrollIntoView({ block: 'start' }),
    );
  }

  private refreshRowsSoon(signal: AbortSignal): void {
    if (this.rowsTimer !== undefined) return;
    this.rowsTimer = window.setTimeout(() => {
      this.rowsTimer = undefined;
      void this.loadRows(signal);
    }, ROWS_REFRESH_MS);
  }

  /** Reads the current page of images, and the summary with it; says whether it could. */
  private async loadRows(signal: AbortSignal): Promise<boolean> {
    const requestId = this.requestId;
    if (!requestId) return false;
    try {
      const status = await this.api.status(
        requestId,
        { after: this.after, limit: PAGE_SIZE },
        signal,
      );
      if (signal.aborted) return false;
      this.showRows(status);
      this.applySummary(status, signal, true);
      return true;
    } catch (error) {
      if (!isAbort(error)) showError(this.error, error);
      return false;
    }
  }

  private showRows(status: StatusResponse): void {
    const { items, total, next } = status.images;
    const rows = new Map<number, { key: string; row: HTMLTableRowElement }>();
    for (const image of items) {
      const key = JSON.stringify(image);
      const kept = this.rows.get(image.ordinal);
      rows.set(image.ordinal, {
        key,
        row: kept && kept.key === key ? kept.row : this.imageRow(image),
      });
    }
    this.rows = rows;
    const list = [...rows.values()].map(({ row }) => row);
    fill(
      this.body,
      list.length > 0
        ? list
        : h(
            'tr',
            {},
            h('td', { colspan: 8 }, total === 0 ? 'No images.' : 'No images on this page.'),
          ),
    );
    const first = items[0]?.ordinal;
    const last = items.at(-1)?.ordinal;
    fill(
      this.caption,
      first === undefined || last === undefined
        ? `Images (${count(total)})`
        : `Images ${count(first)}–${count(last)} of ${count(total)}`,
    );
    this.nextAfter = next ? afterOf(next) : null;
    this.next.disabled = this.nextAfter === null;
    this.previous.disabled = this.earlierPages.length === 0;
  }

  private imageRow(image: ImageResult): HTMLTableRowElement {
    const name = `${image.product_name}, image ${image.position}`;
    const saved = savedPercent(image.bytes_in, image.bytes_out);
    return h(
      'tr',
      { class: `image-${image.status.toLowerCase()}` },
      h('td', { class: 'numeric' }, image.ordinal),
      h(
        'td',
        {},
        h('span', { class: 'product' }, image.product_name),
        h('br'),
        h(
          'span',
          { class: 'hint' },
          `S. No. ${image.serial_number}, row ${image.row}, image ${image.position}`,
        ),
      ),
      h(
        'td',
        {},
        this.opener(image, name, this.thumbnails.original(image.input_url, `Original of ${name}`)),
      ),
      h(
        'td',
        {},
        image.output_url
          ? this.opener(
              image,
              name,
              this.thumbnails.compressed(image.output_url, `Compressed ${name}`),
            )
          : h('span', { class: 'hint' }, 'None'),
      ),
      h('td', { class: 'numeric' }, `${bytes(image.bytes_in)} → ${bytes(image.bytes_out)}`),
      h('td', { class: 'numeric' }, percent(saved)),
      h(
        'td',
        { class: 'quality' },
        `${quality(image.source_quality, image.format, 'source')} → ` +
          quality(image.target_quality, image.format, 'target'),
        image.format ? h('span', { class: 'hint' }, ` ${image.format.toUpperCase()}`) : null,
        image.score === null
          ? null
          : [
              h('br'),
              h(
                'span',
                { class: 'hint', title: 'SSIM against the source; 1 is identical' },
                `score ${image.score.toFixed(4)}`,
              ),
            ],
      ),
      h('td', {}, ...this.outcome(image)),
    );
  }

  /**
   * A thumbnail of a compressed image's pair, as a button that opens the pair at full size;
   * other thumbnails stay as they are.
   */
  private opener(image: ImageResult, name: string, thumbnail: HTMLElement): HTMLElement {
    const compressedUrl = image.output_url;
    if (!compressedUrl) return thumbnail;
    const button = h(
      'button',
      {
        type: 'button',
        class: 'thumb-button',
        title: 'Open the original and the compressed image',
      },
      thumbnail,
    );
    const format = image.format ? ` ${image.format.toUpperCase()}` : '';
    button.addEventListener('click', () =>
      this.viewer.open({
        name,
        originalUrl: image.input_url,
        originalFacts: `${bytes(image.bytes_in)}, quality ${quality(image.source_quality, image.format, 'source')}`,
        compressed: [
          {
            label: image.format ? image.format.toUpperCase() : 'Compressed',
            url: compressedUrl,
            facts: `${bytes(image.bytes_out)}, quality ${quality(image.target_quality, image.format, 'target')}${format}`,
          },
          ...image.variants.flatMap((variant) =>
            variant.url
              ? [
                  {
                    label: VARIANT_LABELS[variant.format],
                    url: variant.url,
                    facts:
                      `${bytes(variant.bytes)}, quality ${variant.quality ?? '?'}` +
                      `${variant.score === null ? '' : `, score ${variant.score.toFixed(4)}`} ` +
                      VARIANT_LABELS[variant.format],
                  },
                ]
              : [],
          ),
        ],
      }),
    );
    return button;
  }

  private outcome(image: ImageResult): (Node | string)[] {
    const parts: (Node | string)[] = [
      h('span', { class: `badge badge-${image.status.toLowerCase()}` }, image.status),
    ];
    const note = (text: string, kind = 'hint') =>
      parts.push(h('br'), h('span', { class: kind }, text));
    if (image.error) note(image.error, image.status === 'Failed' ? 'failure' : 'hint');
    if (image.attempts > 1 || (image.status !== 'Completed' && image.attempts > 0)) {
      note(`${count(image.attempts)} download attempt${image.attempts === 1 ? '' : 's'}`);
    }
    if (image.reused_from) {
      note(
        `Same URL as row ${image.reused_from.row}, image ${image.reused_from.position}: result reused`,
      );
    }
    if (image.reuse) {
      const why = image.reuse.reason === 'not-modified' ? 'Unchanged at its URL' : 'Same bytes';
      note(`${why}: result reused from request ${image.reuse.request_id}`);
    }
    if (image.skip_reason) note(`Original kept: ${image.skip_reason}`);
    return parts;
  }

  /** Adds up the sizes of every image fetched (reused ones once), a page of 1000 at a time. */
  private async addUpSavings(signal: AbortSignal): Promise<void> {
    const requestId = this.requestId;
    if (!requestId) return;
    let before = 0;
    let afterBytes = 0;
    let images = 0;
    let after: number | null = 0;
    let pages = 0;
    try {
      while (after !== null && pages < SAVINGS_PAGES) {
        const status = await this.api.status(requestId, { after, limit: 1000 }, signal);
        for (const image of status.images.items) {
          if (image.reused_from || image.bytes_in === null || image.bytes_out === null) continue;
          before += image.bytes_in;
          afterBytes += image.bytes_out;
          images += 1;
        }
        after = status.images.next ? afterOf(status.images.next) : null;
        pages += 1;
      }
    } catch (error) {
      if (isAbort(error)) return;
      fill(this.savings, 'Could not be added up.');
      return;
    }
    if (images === 0) {
      fill(this.savings, 'No image was compressed.');
      return;
    }
    fill(
      this.savings,
      `${bytes(before - afterBytes)} saved (${percent(savedPercent(before, afterBytes))}): ` +
        `${bytes(before)} → ${bytes(afterBytes)} over ${count(images)} distinct ` +
        `image${images === 1 ? '' : 's'}` +
        (after === null ? '' : `, the first ${count(SAVINGS_PAGES * 1000)} of the request`),
    );
  }

  /** The report is always served by the service itself, behind the API key when there is one. */
  private async downloadReportCsv(): Promise<void> {
    const url = this.summary?.report_csv_url;
    const requestId = this.requestId;
    if (!url || !requestId) return;
    try {
      const href = URL.createObjectURL(await this.api.blob(url));
      followLink(href, `${requestId}-report.csv`);
      window.setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } catch (error) {
      showError(this.error, error, 'The report could not be downloaded');
    }
  }

  private async downloadCsv(): Promise<void> {
    const url = this.summary?.output_csv_url;
    const requestId = this.requestId;
    if (!url || !requestId) return;
    const fileName = `${requestId}.csv`;
    // Served from elsewhere (a CDN, a public bucket), which needs no key: the browser goes there.
    if (!this.api.isServiceUrl(url)) return followLink(url, fileName);
    try {
      const href = URL.createObjectURL(await this.api.blob(url));
      followLink(href, fileName);
      window.setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } catch (error) {
      showError(this.error, error, 'The output CSV could not be downloaded');
    }
  }
}

/** Saves what `href` points at as `fileName`, or opens it where the browser may not rename it. */
function followLink(href: string, fileName: string): void {
  const link = h('a', { href, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
}

function afterOf(next: string): number | null {
  const value = new URL(next, document.baseURI).searchParams.get('after');
  return value === null ? null : Number(value);
}

/** Waits, unless the view is left first; says whether to go on. */
function pause(milliseconds: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = window.setTimeout(() => resolve(true), milliseconds);
    signal.addEventListener('abort', () => {
      window.clearTimeout(timer);
      resolve(false);
    });
  });
}
