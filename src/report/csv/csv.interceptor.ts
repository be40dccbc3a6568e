import { CallHandler, ExecutionContext, Injectable, NestInterceptor, NotAcceptableException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { map, Observable } from 'rxjs';
import { declaredColumns, documentedListType } from './csv-columns';
import { CSV_CONTENT_TYPE, csvFileName, wantsCsv } from './csv-request';
import { toCsv } from './csv-table';

/**
 * Answers any list route (a handler returning an array) in CSV when the request asks for it
 * (`?format=csv` or `Accept: text/csv`, see wantsCsv), the header row from the DTO the route
 * documents. Registered once for the app (APP_INTERCEPTOR in the report module), so every list
 * route has it without a decorator. A route that writes its own response (the leaderboard's
 * prepared bytes) is left alone and answers CSV itself; a route whose body is not a list answers
 * 406.
 */
@Injectable()
export class CsvInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
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
