/**
 * `npm run client` generates the TypeScript types of the API (src/client/schema.d.ts) from
 * openapi.json with openapi-typescript; src/client/index.ts pairs them with openapi-fetch.
 * `npm run client:check` fails when the committed file is out of date.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import openapiTS, { astToString, OpenAPI3 } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import ts from 'typescript';
import { runScript, writeOrCheck } from './generated-file';
import { OPENAPI_PATH } from './openapi-document';

export const SCHEMA_PATH = resolve(__dirname, '..', 'src', 'client', 'schema.d.ts');

const HEADER =
  '/**\n * Generated from openapi.json by `npm run client` (openapi-typescript); do not edit.\n */\n\n';

const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier('Blob'));

export async function renderClientSchema(): Promise<string> {
  const spec = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as OpenAPI3;
  const ast = await openapiTS(spec, {
    silent: true,
    rootTypes: true,
    // Files travel as Blobs (multipart uploads in, images out), not as strings.
    transform: (schema) => (schema.format === 'binary' ? BLOB : undefined),
  });
  const config = await resolveConfig(SCHEMA_PATH);
  return format(HEADER + astToString(ast), { ...config, filepath: SCHEMA_PATH });
}

if (require.main === module) {
  runScript(async () => writeOrCheck(SCHEMA_PATH, await renderClientSchema(), 'npm run client'));
}
