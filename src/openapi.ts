import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { APP_VERSION } from './version';

/** Swagger UI at /docs and the OpenAPI JSON at /docs-json (and /openapi.json). */
export function setupOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('coordinator-node report API')
      .setDescription('Leaderboards, model scores, predictions and feed state of a real-time prediction competition.')
      .setVersion(APP_VERSION)
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  const http = app.getHttpAdapter();
  http.get('/openapi.json', (_req: unknown, res: { json: (body: unknown) => void }) => res.json(document));
}
