import { Api, RequestSummary } from './api';
import { byId } from './dom';
import { clearError, showError } from './errors';

const RUNNING = new Set<RequestSummary['status']>(['Pending', 'Processing']);

/**
 * The Cancel, Retry failed and Delete buttons of the request on view, each shown only when the
 * service would take it, and each asking first. The view learns what became of the request
 * through `onChanged` (cancelled or retried) and `onDeleted`.
 */
export class RequestActions {
  private readonly cancelButton = byId('request-cancel', HTMLButtonElement);
  private readonly retryButton = byId('request-retry', HTMLButtonElement);
  private readonly deleteButton = byId('request-delete', HTMLButtonElement);
  private readonly error = byId('request-action-error', HTMLDivElement);
  private summary: RequestSummary | null = null;

  constructor(
    private readonly api: Api,
    private readonly onChanged: (requestId: string) => void,
    private readonly onDeleted: (requestId: string) => void,
  ) {
    this.cancelButton.addEventListener('click', () => void this.cancel());
    this.retryButton.addEventListener('click', () => void this.retry());
    this.deleteButton.addEventListener('click', () => void this.delete());
    this.render(null);
  }

  render(summary: RequestSummary | null): void {
    this.summary = summary;
    const { status, progress, cancelled_at } = summary ?? {};
    this.cancelButton.hidden = !status || !RUNNING.has(status) || Boolean(cancelled_at);
    this.retryButton.hidden =
      !status || RUNNING.has(status) || !progress || progress.failed + progress.cancelled === 0;
    this.deleteButton.hidden = summary === null;
    if (summary === null) clearError(this.error);
  }

  private async cancel(): Promise<void> {
    const requestId = this.summary?.request_id;
    const question =
      'Cancel this request? No waiting image will be processed; the images being processed now may still finish.';
    if (!requestId || !window.confirm(question)) return;
    await this.act(this.cancelButton, 'The request could not be cancelled', async () => {
      await this.api.cancel(requestId);
      this.onChanged(requestId);
    });
  }

  private async retry(): Promise<void> {
    const summary = this.summary;
    if (!summary) return;
    const { failed, cancelled } = summary.progress;
    const question = `Process the ${failed + cancelled} failed or cancelled images of this request again?`;
    if (!window.confirm(question)) return;
    await this.act(this.retryButton, 'The request could not be retried', async () => {
      await this.api.retry(summary.request_id);
      this.onChanged(summary.request_id);
    });
  }

  private async delete(): Promise<void> {
    const requestId = this.summary?.request_id;
    const question =
      'Delete this request with its output CSV and compressed images? This cannot be undone.';
    if (!requestId || !window.confirm(question)) return;
    await this.act(this.deleteButton, 'The request could not be deleted', async () => {
      await this.api.delete(requestId);
      this.onDeleted(requestId);
    });
  }

  private async act(button: HTMLButtonElement, lead: string, action: () => Promise<void>) {
    clearError(this.error);
    button.disabled = true;
    try {
      await action();
    } catch (error) {
      showError(this.error, error, lead);
    } finally {
      button.disabled = false;
    }
  }
}
