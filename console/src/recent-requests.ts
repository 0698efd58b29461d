import { Api, ApiError, isAbort, RequestSummary } from './api';
import { byId, fill, h } from './dom';
import { clearError, showError } from './errors';
import { count, dateTime, percent } from './format';

const PAGE_SIZE = 10;

/** The recent requests of the key in use (all of them when the service has no API keys). */
export class RecentRequests {
  private readonly body = byId('recent-body', HTMLTableSectionElement);
  private readonly more = byId('recent-more', HTMLButtonElement);
  private readonly refresh = byId('recent-refresh', HTMLButtonElement);
  private readonly error = byId('recent-error', HTMLDivElement);
  private before: string | null = null;
  private lifetime = new AbortController();
  private current: string | null = null;

  constructor(private readonly api: Api) {
    this.refresh.addEventListener('click', () => void this.load());
    this.more.addEventListener('click', () => void this.load({ append: true }));
  }

  async load({ append = false } = {}): Promise<void> {
    this.lifetime.abort();
    this.lifetime = new AbortController();
    const signal = this.lifetime.signal;
    if (!append) this.before = null;
    clearError(this.error);
    this.body.setAttribute('aria-busy', 'true');
    try {
      const page = await this.api.recent(PAGE_SIZE, this.before, signal);
      const rows = page.items.map((item) => this.row(item));
      if (append) this.body.append(...rows);
      else
        fill(
          this.body,
          rows.length > 0 ? rows : h('tr', {}, h('td', { colspan: 4 }, 'No requests yet.')),
        );
      this.before = page.next ? (page.items.at(-1)?.request_id ?? null) : null;
      this.more.hidden = this.before === null;
      this.markCurrent(this.current);
    } catch (error) {
      if (isAbort(error)) return;
      if (!append) fill(this.body);
      this.more.hidden = true;
      showError(
        this.error,
        error instanceof ApiError && error.status === 401
          ? new ApiError(
              401,
              'This service needs an API key: enter yours above to see your requests.',
            )
          : error,
      );
    } finally {
      if (!signal.aborted) this.body.removeAttribute('aria-busy');
    }
  }

  /** Shows the latest state of a listed request, as the live view learns it. */
  update(summary: RequestSummary): void {
    const link = this.linkTo(summary.request_id);
    link?.closest('tr')?.replaceWith(this.row(summary));
    this.markCurrent(this.current);
  }

  private linkTo(requestId: string): Element | undefined {
    return [...this.body.querySelectorAll('a[data-request-id]')].find(
      (link) => link.getAttribute('data-request-id') === requestId,
    );
  }

  /** Marks the request on view, if it is listed. */
  markCurrent(requestId: string | null): void {
    this.current = requestId;
    for (const link of this.body.querySelectorAll('a[data-request-id]')) {
      if (link.getAttribute('data-request-id') === requestId)
        link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }

  /**
   * A request by the name of its file, with its image count and id below. Under 40rem the
   * table's rows become cards (console.css), each cell labelled by its column's name.
   */
  private row(item: RequestSummary): HTMLTableRowElement {
    const { processed, total, failed } = item.progress;
    return h(
      'tr',
      {},
      h(
        'td',
        { 'data-label': 'Request' },
        h(
          'a',
          { href: `#/requests/${item.request_id}`, 'data-request-id': item.request_id },
          item.file_name ?? 'Upload without a file name',
        ),
        h(
          'span',
          { class: 'hint request-facts' },
          `${count(total)} image${total === 1 ? '' : 's'} · `,
          h('code', {}, item.request_id),
        ),
      ),
      h('td', { 'data-label': 'Uploaded' }, dateTime(item.created_at)),
      h(
        'td',
        { 'data-label': 'Status' },
        h('span', { class: `badge badge-${item.status.toLowerCase()}` }, item.status),
      ),
      h(
        'td',
        { class: 'numeric', 'data-label': 'Processed' },
        `${percent(item.progress.percent)} (${processed} of ${total}${failed ? `, ${failed} failed` : ''})`,
      ),
    );
  }
}
