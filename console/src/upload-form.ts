import { Api, RequestSummary } from './api';
import { byId } from './dom';
import { clearError, showError, showProblem } from './errors';
import { bytes } from './format';

/**
 * The upload form: a CSV from the file picker or dropped on the drop zone, and an optional
 * webhook URL. The file input stays a real one, so the keyboard and screen readers use it as
 * they use any other.
 */
export class UploadForm {
  private readonly form = byId('upload-form', HTMLFormElement);
  private readonly input = byId('csv-file', HTMLInputElement);
  private readonly dropZone = byId('drop-zone', HTMLDivElement);
  private readonly chosen = byId('csv-chosen', HTMLParagraphElement);
  private readonly webhook = byId('webhook-url', HTMLInputElement);
  private readonly submit = byId('upload-submit', HTMLButtonElement);
  private readonly state = byId('upload-state', HTMLParagraphElement);
  private readonly error = byId('upload-error', HTMLDivElement);
  /** The request of the last upload, whose status the form's state line follows. */
  private accepted: string | null = null;

  constructor(
    private readonly api: Api,
    private readonly onAccepted: (requestId: string) => void,
  ) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.upload();
    });
    this.input.addEventListener('change', () => this.showChosen());
    for (const type of ['dragenter', 'dragover'] as const) {
      this.dropZone.addEventListener(type, (event) => {
        event.preventDefault();
        this.dropZone.classList.add('is-dragging');
      });
    }
    this.dropZone.addEventListener('dragleave', () =>
      this.dropZone.classList.remove('is-dragging'),
    );
    this.dropZone.addEventListener('drop', (event) => {
      event.preventDefault();
      this.dropZone.classList.remove('is-dragging');
      const files = event.dataTransfer?.files;
      if (!files || files.length === 0) return;
      this.input.files = files;
      this.showChosen();
    });
  }

  /** Keeps the state line true as the request of the last upload moves on. */
  follow(summary: RequestSummary): void {
    if (summary.request_id !== this.accepted) return;
    this.state.textContent = `Uploaded. Request ${summary.request_id} is ${summary.status}.`;
  }

  private showChosen(): void {
    const file = this.input.files?.[0];
    this.chosen.textContent = file ? `Chosen: ${file.name} (${bytes(file.size)})` : '';
    clearError(this.error);
  }

  private async upload(): Promise<void> {
    const file = this.input.files?.[0];
    clearError(this.error);
    if (!file) {
      showProblem(this.error, 'Choose a CSV file first.');
      this.input.focus();
      return;
    }
    if (!this.webhook.checkValidity()) {
      showProblem(this.error, 'The webhook URL must be a full http:// or https:// address.');
      this.webhook.focus();
      return;
    }
    this.submit.disabled = true;
    this.form.setAttribute('aria-busy', 'true');
    this.accepted = null;
    this.state.textContent = `Uploading ${file.name}…`;
    try {
      const accepted = await this.api.upload(file, this.webhook.value.trim() || null);
      this.form.reset();
      this.chosen.textContent = '';
      this.accepted = accepted.request_id;
      this.state.textContent = `Uploaded. Request ${accepted.request_id} is ${accepted.status}.`;
      this.onAccepted(accepted.request_id);
    } catch (error) {
      this.state.textContent = '';
      showError(this.error, error, 'The upload was refused');
    } finally {
      this.submit.disabled = false;
      this.form.removeAttribute('aria-busy');
    }
  }
}
