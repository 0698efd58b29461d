import { ApiError, describeDetail } from './api';
import { fill, h } from './dom';

/** Shows an error in plain words, with every problem listed (CSV lines with their columns). */
export function showError(container: HTMLElement, error: unknown, lead?: string): void {
  const message =
    error instanceof ApiError
      ? error.message
      : 'Something went wrong in this page. Reload it and try again.';
  const details = error instanceof ApiError ? error.details : [];
  container.hidden = false;
  fill(
    container,
    h('p', {}, lead ? `${lead}: ${message}` : message),
    details.length > 1 || (details.length === 1 && details[0].message !== message)
      ? h('ul', {}, ...details.map((detail) => h('li', {}, describeDetail(detail))))
      : null,
  );
}

/** Shows a problem the page found itself, before asking the API. */
export function showProblem(container: HTMLElement, text: string): void {
  container.hidden = false;
  fill(container, h('p', {}, text));
}

export function clearError(container: HTMLElement): void {
  container.hidden = true;
  fill(container);
}
