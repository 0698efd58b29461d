/**
 * Builds the OpenAPI document from the HTTP controllers alone (every `*.controller.ts` under
 * src/), with every service they inject and every guard and interceptor they use replaced by an
 * empty stub, so that neither Redis, the database nor any configuration is needed, and the
 * result does not depend on MODE. test/openapi.e2e-spec.ts checks that the full application
 * serves the same document.
 */
import { INestApplication, Provider, Type } from '@nestjs/common';
import {
  CONTROLLER_WATERMARK,
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
} from '@nestjs/common/constants';
import { Test } from '@nestjs/testing';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildOpenApiDocument } from '../src/app.setup';

export const OPENAPI_PATH = resolve(__dirname, '..', 'openapi.json');
const SOURCE_DIR = resolve(__dirname, '..', 'src');

async function findControllers(): Promise<Type[]> {
  const files = readdirSync(SOURCE_DIR, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.controller.ts'))
    .sort();
  const controllers: Type[] = [];
  for (const file of files) {
    const exported = (await import(join(SOURCE_DIR, file))) as Record<string, unknown>;
    for (const value of Object.values(exported)) {
      if (typeof value === 'function' && Reflect.getMetadata(CONTROLLER_WATERMARK, value)) {
        controllers.push(value as Type);
      }
    }
  }
  return controllers;
}

/** What Nest would inject into a controller's constructor: classes or `@Inject()` tokens. */
function injectedTokens(controller: Type): unknown[] {
  const types = (Reflect.getMetadata('design:paramtypes', controller) ?? []) as unknown[];
  const explicit = (Reflect.getMetadata('self:paramtypes', controller) ?? []) as {
    index: number;
    param: unknown;
  }[];
  for (const { index, param } of explicit) types[index] = param;
  return types;
}

/** Guard and interceptor classes named in `@UseGuards()`/`@UseInterceptors()`. */
function enhancers(controller: Type, metadataKey: string): Type[] {
  const targets: object[] = [
    controller,
    ...Object.getOwnPropertyNames(controller.prototype).map(
      (name) => (controller.prototype as Record<string, object>)[name],
    ),
  ];
  return targets
    .flatMap((target) => (Reflect.getMetadata(metadataKey, target) ?? []) as unknown[])
    .filter((enhancer): enhancer is Type => typeof enhancer === 'function');
}

async function createDocsApp(): Promise<INestApplication> {
  const controllers = await findControllers();
  const tokens = new Set(controllers.flatMap(injectedTokens).filter(Boolean));
  const stubs: Provider[] = [...tokens].map((token) => ({
    provide: token as Type,
    useValue: {},
  }));
  const builder = Test.createTestingModule({ controllers, providers: stubs });
  for (const guard of new Set(controllers.flatMap((c) => enhancers(c, GUARDS_METADATA)))) {
    builder.overrideGuard(guard).useValue({});
  }
  for (const interceptor of new Set(
    controllers.flatMap((c) => enhancers(c, INTERCEPTORS_METADATA)),
  )) {
    builder.overrideInterceptor(interceptor).useValue({});
  }
  const moduleRef = await builder.compile();
  return moduleRef.createNestApplication({ logger: false });
}

/** The document as it is committed: sorted keys, two-space indent, final newline. */
export async function renderOpenApiJson(): Promise<string> {
  const app = await createDocsApp();
  try {
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
