import { CallHandler, ExecutionContext, Injectable, NestInterceptor, NotAcceptableException } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import type { Request, Response } from 'express';
import { map, Observable } from 'rxjs';
import { declaredColumns, documentedListType } from './csv-columns';
import { CSV_CONTENT_TYPE, csvFileName, wantsCsv } from './csv-request';
import { toCsv } from './csv-table';

/**
 * Answers any report list route (a `/reports/...` handler returning an array) in CSV when the
 * request asks for it (`?format=csv` or `Accept: text/csv`, see wantsCsv), the header row from
 * the DTO the route documents. Registered once for the app (APP_INTERCEPTOR in the report
 * module), so every report list route has it without a decorator; routes outside `/reports`
 * (which may give `format` their own meaning) are left alone. A route that writes its own
 * response (the leaderboard's prepared bytes) answers CSV itself; a report route whose body is
 * not a list answers 406.
 */
@Injectable()
export class CsvInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !isReportRoute(context.getClass(), context.getHandler())) return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    if (!wantsCsv(req)) return next.handle();
    const res = http.getResponse<Response>();
    const columns = declaredColumns(documentedListType(context.getHandler()));
    return next.handle().pipe(
      map((body: unknown) => {
        if (res.headersSent) return body;
        if (!Array.isArray(body)) throw new NotAcceptableException('CSV is available on list routes only (those answering an array)');
        res.setHeader('Content-Type', CSV_CONTENT_TYPE);
        res.setHeader('Content-Disposition', csvFileName(req.originalUrl ?? req.url));
        return toCsv(body, columns);
      }),
    );
  }
}

/** The route's path (controller prefix + handler path) starts with `reports/`. */
function isReportRoute(controller: object, handler: object): boolean {
  const paths = (target: object): string[] => {
    const path: unknown = Reflect.getMetadata(PATH_METADATA, target);
    return (Array.isArray(path) ? path : [path]).filter((p): p is string => typeof p === 'string');
  };
  return paths(controller).some((prefix) => paths(handler).some((own) => /^\/?reports(\/|$)/.test(`${prefix}/${own}`.replace(/^\/+/, ''))));
}
