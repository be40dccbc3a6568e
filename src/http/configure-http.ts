import { INestApplication } from '@nestjs/common';
import { HttpErrorFilter } from './http-error.filter';
import { refuseBodyOnBodylessMethods } from './request-body';

/**
 * What every HTTP route needs on the app itself, before it is initialised: bodies refused where
 * no route takes one (ahead of the body parsers Nest installs at init), and one filter that
 * turns any error into its answer (4xx for client errors, 503 for an unreachable database,
 * otherwise 500).
 *
 * @example
 *   const app = await NestFactory.create(AppModule);
 *   configureHttp(app); // before app.listen / app.init
 */
export function configureHttp(app: INestApplication): void {
  app.use(refuseBodyOnBodylessMethods);
  app.useGlobalFilters(new HttpErrorFilter());
}
