import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { API_KEY_SCHEME, BEARER_SCHEME } from './auth/access-tier';
import { APP_VERSION } from './version';

/** Swagger UI at /docs and the OpenAPI JSON at /docs-json (and /openapi.json). */
export function setupOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('coordinator-node report API')
      .setDescription('Leaderboards, model scores, predictions and feed state of a real-time prediction competition.')
      .setVersion(APP_VERSION)
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (read or admin tier).' }, API_KEY_SCHEME)
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The same API key as a bearer token.' }, BEARER_SCHEME)
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  const http = app.getHttpAdapter();
  http.get('/openapi.json', (_req: unknown, res: { json: (body: unknown) => void }) => res.json(document));
}
