/**
 * The web console: upload a CSV, follow a request live, and find recent requests again.
 *
 * Plain TypeScript and the DOM, without a framework: the page is one form, one live view and two
 * tables, which a few small classes render; a framework would weigh more than the whole console
 * and bring a second way of building things to learn. The page's structure is static HTML
 * (index.html), so it reads well before the script has run; the script fills it in. Response
 * types come from the generated API client (src/client/schema.d.ts), so a change of the API that
 * the console does not follow fails its type check.
 */
import './console.css';
import { Api } from './api';
import { ApiKeyStore } from './api-key';
import { byId } from './dom';
import { ImageViewer } from './image-viewer';
import { RecentRequests } from './recent-requests';
import { RequestView } from './request-view';
import { Thumbnails } from './thumbnails';
import { UploadForm } from './upload-form';

const REQUEST_ROUTE = /^#\/requests\/([0-9a-f-]{36})$/i;

const keys = new ApiKeyStore();
const api = new Api(keys);
const recent = new RecentRequests(api);
const upload = new UploadForm(api, (requestId) => {
  window.location.hash = `#/requests/${requestId}`;
  void recent.load();
});
const thumbnails = new Thumbnails(api, keys);
const view = new RequestView(
  api,
  thumbnails,
  new ImageViewer(thumbnails),
  (summary) => {
    recent.update(summary);
    upload.follow(summary);
  },
  () => {
    window.location.hash = '#/';
    void recent.load();
  },
);

const keyForm = byId('key-form', HTMLFormElement);
const keyInput = byId('api-key', HTMLInputElement);
const keyState = byId('key-state', HTMLParagraphElement);
const forgetKey = byId('forget-key', HTMLButtonElement);

keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  keys.set(keyInput.value.trim());
  keyInput.value = '';
});
forgetKey.addEventListener('click', () => keys.set(null));
keys.onChange(() => {
  showKeyState();
  void recent.load();
  const requestId = view.current;
  if (requestId) view.show(requestId, { focus: false });
});

function showKeyState(): void {
  const key = keys.get();
  keyState.textContent = key
    ? 'A key is in use in this tab until it is closed.'
    : 'No key in use: needed only when the service has API keys.';
  forgetKey.disabled = !key;
}

function route(): void {
  const match = REQUEST_ROUTE.exec(window.location.hash);
  const requestId = match ? match[1].toLowerCase() : null;
  if (requestId && requestId !== view.current) view.show(requestId);
  else if (!requestId) view.hide();
  recent.markCurrent(requestId);
}

window.addEventListener('hashchange', route);
showKeyState();
route();
void recent.load();
