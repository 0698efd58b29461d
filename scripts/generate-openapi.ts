/**
 * `npm run openapi` writes openapi.json; `npm run openapi:check` fails when it is out of date.
 * Both validate the document with swagger-parser first. (swagger-parser needs an ES module,
 * which Node 20 can `require` but Jest cannot, so validation lives here rather than in a test.)
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { runScript, writeOrCheck } from './generated-file';
import { OPENAPI_PATH, renderOpenApiJson } from './openapi-document';

/** Throws with the problems swagger-parser finds. */
async function validateOpenApi(json: string): Promise<void> {
  await SwaggerParser.validate(JSON.parse(json) as Parameters<typeof SwaggerParser.validate>[0]);
}

runScript(async () => {
  const json = await renderOpenApiJson();
  await validateOpenApi(json);
  console.log('openapi.json is valid');
  writeOrCheck(OPENAPI_PATH, json, 'npm run openapi');
});
