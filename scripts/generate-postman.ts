/**
 * `npm run postman` converts openapi.json into postman/collection.json with openapi-to-postmanv2,
 * then makes the result runnable and committable: ids and faked values removed, path variables
 * bound to collection variables, and a test script on every request. A collection run uploads
 * `example-products.csv` (from the working directory), polls the status until the request has
 * finished, then reads its progress events and the list of recent requests, and fetches the
 * output CSV and one image; it fails unless the request completes with every image. It also
 * writes postman/example-products.csv, the demo's sample batch (`npm run demo` serves its
 * images). `npm run postman:check` fails when either file is out of date.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { convertV2 } from 'openapi-to-postmanv2';
import type { OpenAPIObject } from '@nestjs/swagger';
import { DEFAULT_SAMPLE_IMAGES_URL } from './demo/demo-settings';
import { sampleCsv } from './demo/sample-catalogue';
import { runScript, writeOrCheck } from './generated-file';
import { OPENAPI_PATH } from './openapi-document';

export const COLLECTION_PATH = resolve(__dirname, '..', 'postman', 'collection.json');
export const EXAMPLE_CSV = 'example-products.csv';
const EXAMPLE_CSV_PATH = resolve(__dirname, '..', 'postman', EXAMPLE_CSV);
/** How many times a run asks for the status again when `statusPollLimit` is not set. */
const DEFAULT_STATUS_POLL_LIMIT = 120;

interface Variable {
  key: string;
  value?: string;
  description?: string | { content: string; type: string };
  disabled?: boolean;
  type?: string;
  src?: string;
}

interface Event {
  listen: 'test' | 'prerequest';
  script: { type: 'text/javascript'; exec: string[] };
}

interface Request {
  method: string;
  url: { path: string[]; query?: Variable[]; variable?: Variable[] };
  header?: Variable[];
  body?: { mode?: string; formdata?: Variable[] };
  description?: unknown;
}

interface Item {
  name: string;
  id?: string;
  item?: Item[];
  request?: Request;
  response?: { id?: string }[];
  event?: Event[];
}

interface Collection {
  info: { _postman_id?: string; name: string; schema: string; description?: unknown };
  item: Item[];
  auth?: { type: string; bearer?: Variable[] };
  variable?: Variable[];
}

const script = (listen: Event['listen'], lines: string[]): Event => ({
  listen,
  script: { type: 'text/javascript', exec: lines },
});

/** Test scripts per operationId; generation fails for an operation that has none. */
const EVENTS: Record<string, Event[]> = {
  uploadCsv: [
    script('test', [
      'const body = pm.response.code === 202 ? pm.response.json() : {};',
      "pm.collectionVariables.set('requestId', body.request_id || '');",
      "pm.collectionVariables.set('statusPolls', 0);",
      "pm.test('answers 202 Accepted with a request id', function () {",
      '  pm.response.to.have.status(202);',
      '  pm.expect(body.request_id).to.match(/^[0-9a-f-]{36}$/);',
      "  pm.expect(body.status).to.eql('Pending');",
      '});',
    ]),
  ],
  getStatus: [
    script('prerequest', [
      '// When this request runs again to poll, wait a little first.',
      "if (Number(pm.collectionVariables.get('statusPolls') || 0) > 0) setTimeout(function () {}, 500);",
    ]),
    script('test', [
      'const body = pm.response.code === 200 ? pm.response.json() : {};',
      '// In a collection run, ask again (up to statusPollLimit times) until the request has finished.',
      "const polls = Number(pm.collectionVariables.get('statusPolls') || 0);",
      `const limit = Number(pm.variables.get('statusPollLimit') || ${DEFAULT_STATUS_POLL_LIMIT});`,
      "const again = ['Pending', 'Processing'].includes(body.status) && polls < limit;",
      "pm.test('answers 200 with the status of the request, which completes with every image', function () {",
      '  pm.response.to.have.status(200);',
      "  pm.expect(body.request_id).to.eql(pm.collectionVariables.get('requestId'));",
      "  pm.expect(body.status).to.be.oneOf(['Pending', 'Processing', 'Completed', 'Failed']);",
      "  pm.expect(body.progress.total).to.be.a('number');",
      '  if (!again) {',
      "    pm.expect(body.status).to.eql('Completed');",
      '    pm.expect(body.progress.succeeded).to.eql(body.progress.total);',
      '  }',
      '});',
      'const done = ((body.images || {}).items || []).find(function (image) {',
      '  return image.output_url;',
      '});',
      "if (done) pm.collectionVariables.set('fileName', done.output_url.split('/').pop());",
      'if (again) {',
      "  pm.collectionVariables.set('statusPolls', polls + 1);",
      '  postman.setNextRequest(pm.info.requestName);',
      '}',
    ]),
  ],
  streamStatusEvents: [
    script('test', [
      "pm.test('answers 200 with progress events that end with the finished one', function () {",
      '  pm.response.to.have.status(200);',
      "  pm.expect(pm.response.headers.get('Content-Type')).to.include('text/event-stream');",
      '  pm.expect(pm.response.text()).to.match(/event: finished\\nid: \\d+\\n(retry: \\d+\\n)?data: \\{/);',
      '});',
    ]),
  ],
  listRequests: [
    script('test', [
      'const body = pm.response.code === 200 ? pm.response.json() : {};',
      "pm.test('answers 200 with the recent requests, the uploaded one among them', function () {",
      '  pm.response.to.have.status(200);',
      '  const ids = (body.items || []).map(function (item) {',
      '    return item.request_id;',
      '  });',
      "  pm.expect(ids).to.include(pm.collectionVariables.get('requestId'));",
      '});',
    ]),
  ],
  downloadOutputCsv: [
    script('test', [
      "pm.test('answers 200 with the output CSV of the finished request', function () {",
      '  pm.response.to.have.status(200);',
      "  pm.expect(pm.response.headers.get('Content-Type')).to.include('text/csv');",
      '  pm.expect(pm.response.text()).to.match(',
      '    /^S\\. No\\.,Product Name,Input Image Urls,Output Image Urls\\r\\n/,',
      '  );',
      '});',
    ]),
  ],
  downloadReportCsv: [
    script('test', [
      "pm.test('answers 200 with the report CSV of the finished request', function () {",
      '  pm.response.to.have.status(200);',
      "  pm.expect(pm.response.headers.get('Content-Type')).to.include('text/csv');",
      '  pm.expect(pm.response.text()).to.match(/^S\\. No\\.,Product Name,Position,/);',
      '});',
    ]),
  ],
  getLiveness: [
    script('test', [
      "pm.test('answers 200: the process is alive', function () {",
      '  pm.response.to.have.status(200);',
      "  pm.expect(pm.response.json().status).to.eql('ok');",
      '});',
    ]),
  ],
  getReadiness: [
    script('test', [
      "pm.test('answers 200 when ready, or 503 with the failing dependency', function () {",
      '  pm.expect(pm.response.code).to.be.oneOf([200, 503]);',
      "  pm.expect(pm.response.json().status).to.be.oneOf(['ok', 'error']);",
      '});',
    ]),
  ],
  cancelRequest: [
    script('test', [
      "pm.test('answers 202 with the cancelled request, or 409 once it has finished', function () {",
      '  pm.expect(pm.response.code).to.be.oneOf([202, 409]);',
      '  if (pm.response.code === 202) {',
      "    pm.expect(pm.response.json().request_id).to.eql(pm.collectionVariables.get('requestId'));",
      '  }',
      '});',
    ]),
  ],
  retryRequest: [
    script('test', [
      "pm.test('answers 202 with the request, Processing again, or 409 while it runs', function () {",
      '  pm.expect(pm.response.code).to.be.oneOf([202, 409]);',
      '  if (pm.response.code === 202) {',
      "    pm.expect(pm.response.json().status).to.eql('Processing');",
      '  }',
      '});',
    ]),
  ],
  deleteRequest: [
    script('test', [
      "pm.test('answers 202: the request is deleted', function () {",
      '  pm.response.to.have.status(202);',
      "  pm.expect(pm.response.json().request_id).to.eql(pm.collectionVariables.get('requestId'));",
      '});',
    ]),
  ],
  downloadImage: [
    script('test', [
      "pm.test('answers 200 with a compressed image of the request', function () {",
      '  pm.response.to.have.status(200);',
      "  pm.expect(pm.response.headers.get('Content-Type')).to.match(/^image\\//);",
      '});',
    ]),
  ],
};

const VARIABLES: Variable[] = [
  { key: 'baseUrl', value: 'http://localhost:3000', description: 'Where the service listens.' },
  { key: 'requestId', value: '', description: 'Set by the upload request.' },
  { key: 'fileName', value: '1-1.jpg', description: 'Set by the status request.' },
  { key: 'apiKey', value: '', description: 'Needed only when the service has `API_KEYS`.' },
  {
    key: 'statusPollLimit',
    value: String(DEFAULT_STATUS_POLL_LIMIT),
    description:
      'How many times a collection run asks for the status again, half a second apart, before it fails; raise it for a large CSV.',
  },
  {
    key: 'webhookUrl',
    value: '',
    description: 'Enable the `webhook_url` form field of the upload to be called back here.',
  },
];

/** Sent as `Authorization: Bearer <apiKey>` on every request. */
const AUTH: Collection['auth'] = {
  type: 'bearer',
  bearer: [{ key: 'token', value: '{{apiKey}}', type: 'string' }],
};

const DESCRIPTION = [
  'Generated from openapi.json by `npm run postman`; do not edit by hand.',
  '',
  'Set `baseUrl` (and `apiKey` when the service has `API_KEYS`), pick a CSV for the `file`',
  'field of the upload request and run the collection:',
  'the upload saves `requestId`, the status request repeats until the request has finished,',
  'then the output CSV and one compressed image are fetched. The run fails unless the request',
  'completes with every image. With newman, put the CSV in the working directory as',
  `\`${EXAMPLE_CSV}\`:`,
  '',
  '    newman run postman/collection.json --working-dir postman \\',
  '      --env-var baseUrl=http://localhost:3000 --env-var apiKey=<key>',
  '',
  `postman/${EXAMPLE_CSV} is the sample batch of \`npm run demo\`, which serves its images at`,
  `${DEFAULT_SAMPLE_IMAGES_URL}; while the demo runs, so does the collection, with no setting:`,
  '',
  '    newman run postman/collection.json --working-dir postman',
  '',
  'The CSV has the header `S. No.,Product Name,Input Image Urls`; the third column holds one or',
  'more image URLs separated by commas, e.g.',
  '',
  '    S. No.,Product Name,Input Image Urls',
  '    1,SKU1,"https://images.example.com/a.jpg, https://images.example.com/b.jpg"',
].join('\n');

function convert(spec: OpenAPIObject): Promise<Collection> {
  return new Promise((resolvePromise, reject) => {
    convertV2(
      { type: 'json', data: spec },
      { folderStrategy: 'Tags', parametersResolution: 'Example', requestNameSource: 'Fallback' },
      (error, result) => {
        const data = result?.output?.[0]?.data;
        if (error || !result?.result || !data) {
          reject(
            new Error(`Conversion failed: ${error?.message ?? result?.reason ?? 'no output'}`),
          );
        } else {
          resolvePromise(data as Collection);
        }
      },
    );
  });
}

function operationIds(spec: OpenAPIObject): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operationId = item[method]?.operationId;
      if (operationId) ids.set(requestKey(method, path.replace(/\{(\w+)\}/g, ':$1')), operationId);
    }
  }
  return ids;
}

const requestKey = (method: string, path: string) =>
  `${method.toUpperCase()} ${path.replace(/^\//, '')}`;

function requests(items: Item[]): Item[] {
  return items.flatMap((item) => (item.item ? requests(item.item) : [item]));
}

/** Query parameters that continue a listing from its `next` link: runs ask for the first page. */
/**
 * The order a collection run calls these in, after the rest of their folder: a request can be
 * cancelled (or not, once finished), then retried, then deleted, and not the other way round.
 */
const RUN_ORDER = ['cancelRequest', 'retryRequest', 'deleteRequest'];

const PAGE_CURSORS: Record<string, string | undefined> = {
  listRequests: 'before',
  getStatus: 'after',
};

/** Makes the converted collection stable, runnable and tested. */
function finish(collection: Collection, spec: OpenAPIObject): Collection {
  const ids = operationIds(spec);
  const dropIds = (items: Item[]): Item[] =>
    items
      .map(({ id: _id, ...item }) => ({
        ...item,
        ...(item.item ? { item: dropIds(item.item) } : {}),
        ...(item.response ? { response: item.response.map(({ id: _rid, ...r }) => r) } : {}),
      }))
      .filter((item) => !item.item || item.item.length > 0);
  const items = inRunOrder(dropIds(collection.item), ids);

  for (const item of requests(items)) {
    const request = item.request as Request;
    const key = requestKey(request.method, request.url.path.join('/'));
    const operationId = ids.get(key);
    const events = operationId ? EVENTS[operationId] : undefined;
    if (!events) throw new Error(`No test script for ${key} (operation ${operationId})`);
    item.event = events;
    for (const variable of request.url.variable ?? []) {
      if (variable.key === 'requestId' || variable.key === 'fileName') {
        variable.value = `{{${variable.key}}}`;
      }
    }
    // The converter's `Content-Type: multipart/form-data` has no boundary; the runner adds one.
    request.header = request.header?.filter(
      (header) => !(header.key === 'Content-Type' && header.value === 'multipart/form-data'),
    );
    // A new key per run: with the example's fixed key, a second run would replay the first.
    request.header = request.header?.map((header) =>
      header.key === 'Idempotency-Key' ? { ...header, value: '{{$guid}}' } : header,
    );
    if (operationId === 'downloadImage') {
      request.header = request.header?.map((header) =>
        header.key === 'Accept' ? { ...header, value: 'image/*' } : header,
      );
    }
    const cursor = operationId ? PAGE_CURSORS[operationId] : undefined;
    if (cursor) {
      request.url.query = request.url.query?.map((parameter) =>
        parameter.key === cursor ? { ...parameter, disabled: true } : parameter,
      );
    }
    for (const field of request.body?.formdata ?? []) {
      if (field.key === 'file') field.src = EXAMPLE_CSV;
    }
  }
  // A collection run should call no webhook unless asked to (the query parameter, which has no
  // example, would also get a random value from the converter).
  disableWebhookUrl(items);

  const { name, schema } = collection.info;
  return {
    info: { name, schema, description: { content: DESCRIPTION, type: 'text/markdown' } },
    item: items,
    auth: AUTH,
    variable: VARIABLES,
  };
}

/** Each folder's requests with those of RUN_ORDER last, in that order. */
function inRunOrder(items: Item[], ids: Map<string, string>): Item[] {
  const rank = (item: Item): number => {
    const request = item.request;
    if (!request) return -1;
    const operationId = ids.get(requestKey(request.method, request.url.path.join('/')));
    return operationId ? RUN_ORDER.indexOf(operationId) : -1;
  };
  return items
    .map((item) => (item.item ? { ...item, item: inRunOrder(item.item, ids) } : item))
    .map((item, index) => ({ item, index, rank: rank(item) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ item }) => item);
}

/** Every `webhook_url` query parameter or form field, in requests and saved examples. */
function disableWebhookUrl(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(disableWebhookUrl);
  } else if (node !== null && typeof node === 'object') {
    const object = node as Record<string, unknown>;
    if (object.key === 'webhook_url' && 'value' in object) {
      Object.assign(object, { value: '{{webhookUrl}}', disabled: true });
    }
    Object.values(object).forEach(disableWebhookUrl);
  }
}

export async function renderCollectionJson(): Promise<string> {
  const spec = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as OpenAPIObject;
  const [first, second] = await Promise.all([convert(spec), convert(spec)]);
  const json = `${JSON.stringify(finish(first, spec), null, 2)}\n`;
  // The converter fakes values for schemas without an example, differently on every run.
  if (json !== `${JSON.stringify(finish(second, spec), null, 2)}\n`) {
    throw new Error(
      'The collection differs between two conversions: give every schema, parameter and ' +
        'header in openapi.json an example.',
    );
  }
  return json;
}

if (require.main === module) {
  runScript(async () => {
    writeOrCheck(COLLECTION_PATH, await renderCollectionJson(), 'npm run postman');
    writeOrCheck(EXAMPLE_CSV_PATH, sampleCsv(DEFAULT_SAMPLE_IMAGES_URL), 'npm run postman');
  });
}
