import { INestApplication, ValidationPipe } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Application } from 'express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { AppConfig } from './config/config';
import { packageVersion } from './common/project';
import { validationFailed } from './common/validation/validation-errors';
import { PAGES } from './links/routes';
import { securityHeaders } from './security-headers';
import { WEBHOOK_PATH_ITEM, WebhookPayloadDto } from './webhook/dto/webhook-payload.dto';

/**
 * The OpenAPI 3.1 document, served at /docs and committed as openapi.json (`npm run openapi`).
 * Keys are sorted so that the committed file changes only when the API does.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Image batch compressor')
    .setDescription(
      'Upload a CSV of products and image URLs; every image is fetched, compressed to half of ' +
        'its original quality and served back, with progress, an output CSV and a webhook.',
    )
    .setVersion(packageVersion())
    .addTag('upload', 'Send a CSV of products and image URLs.')
    .addTag('status', 'Follow a request and download its output CSV.')
    .addTag('images', 'The compressed images.')
    .addTag('health', 'Probes for orchestrators; open even when API keys are on.')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'API key',
        description: 'An API key, when `API_KEYS` is set.',
      },
      'bearer',
    )
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same API key.' },
      'apiKey',
    )
    // A key is needed only where the service has API_KEYS, so `{}` (none) is allowed too.
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('apiKey')
    .addSecurityRequirements({})
    .addGlobalResponse({
      status: 500,
      description: 'Unexpected failure; the details are in the server log only.',
      schema: {
        type: 'object',
        properties: {
          statusCode: { type: 'number', example: 500 },
          error: { type: 'string', example: 'Internal Server Error' },
          message: { type: 'string', example: 'Internal server error' },
        },
        required: ['statusCode', 'error', 'message'],
      },
    })
    .build();
  const document = SwaggerModule.createDocument(
    app,
    { ...config, webhooks: { imageProcessingFinished: WEBHOOK_PATH_ITEM } },
    { extraModels: [WebhookPayloadDto] },
  );
  return sortKeys(withJsonSchemaNulls(document)) as OpenAPIObject;
}

/** @nestjs/swagger writes OpenAPI 3.0's `nullable`; 3.1 spells it as a `null` type. */
function withJsonSchemaNulls(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withJsonSchemaNulls);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const schema = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, withJsonSchemaNulls(value)]),
  );
  if (nullable !== true) return schema;
  if (typeof schema.type !== 'string' || 'allOf' in schema || '$ref' in schema) {
    return { anyOf: [schema, { type: 'null' }] };
  }
  return {
    ...schema,
    type: [schema.type, 'null'],
    ...(Array.isArray(schema.enum) ? { enum: [...(schema.enum as unknown[]), null] } : {}),
  };
}

function sortKeys(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(sortKeys);
  if (node === null || typeof node !== 'object') return node;
  const object = node as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(object)
      .sort()
      .map((key) => [key, sortKeys(object[key])]),
  );
}

/**
 * Everything main.ts and the e2e tests share: the client's address (`trust proxy`), headers,
 * validation, errors, docs, shutdown.
 */
export function configureApp(app: INestApplication): void {
  const express = app.getHttpAdapter().getInstance() as Application;
  express.set('trust proxy', app.get(AppConfig).trustProxy);
  // First, so that every answer carries the headers, Swagger UI's and Bull Board's too.
  app.use(securityHeaders());
  app.useGlobalPipes(
    new ValidationPipe({
      transform: true,
      whitelist: true,
      forbidUnknownValues: true,
      exceptionFactory: validationFailed,
    }),
  );
  app.useGlobalFilters(new AllExceptionsFilter(app.get(HttpAdapterHost)));
  SwaggerModule.setup(PAGES.docs, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: PAGES.docsJson,
    // No badge from validator.swagger.io: the page talks to this service only.
    swaggerOptions: { validatorUrl: null },
  });
  app.enableShutdownHooks();
}
