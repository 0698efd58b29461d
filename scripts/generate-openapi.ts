/**
 * `npm run openapi` writes openapi.json; `npm run openapi:check` fails when it is out of date.
 * Both validate the document with swagger-parser first. (swagger-parser needs an ES module,
 * which Node 20 can `require` but Jest cannot, so validation lives here rather than in a test.)
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { OPENAPI_PATH, renderOpenApiJson } from './openapi-document';

/** Throws with the problems swagger-parser finds. */
async function validateOpenApi(json: string): Promise<void> {
  await SwaggerParser.validate(JSON.parse(json) as Parameters<typeof SwaggerParser.validate>[0]);
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const json = await renderOpenApiJson();
  await validateOpenApi(json);
  const file = relative(process.cwd(), OPENAPI_PATH);
  if (!check) {
    writeFileSync(OPENAPI_PATH, json);
    console.log(`Wrote ${file}`);
    return;
  }
  const committed = existsSync(OPENAPI_PATH) ? readFileSync(OPENAPI_PATH, 'utf8') : '';
  if (committed !== json) {
    console.error(`${file} is out of date: run \`npm run openapi\` and commit the result.`);
    process.exitCode = 1;
    return;
  }
  console.log(`${file} is up to date and valid`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
