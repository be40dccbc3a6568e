import { Controller, Get, Logger, Query, Res, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BadRequestDto } from '../dto/error.dto';
import { reportValidationPipe } from '../query/report-validation.pipe';
import {
  PRICE_DOWNLOAD_MAX_RANGE_DAYS,
  PRICE_DOWNLOAD_MAX_ROWS,
  PRICE_DOWNLOAD_MAX_SUBJECTS,
  PRICE_DOWNLOAD_PAGE_ROWS,
  PriceDownloadQuery,
} from './price-download.dto';
import { PriceDownloadService } from './price-download.service';
import { priceFile } from './price-file';

/** Stored prices for participants to train and backtest on (public, like the rest of the report API). */
@ApiTags('data')
@Controller('data')
@UsePipes(reportValidationPipe())
export class PricesController {
  private readonly logger = new Logger(PricesController.name);

  constructor(private readonly prices: PriceDownloadService) {}

  @Get('prices')
  @ApiOperation({
    summary: 'Download stored prices of a range as CSV or Parquet (streamed)',
    description:
      `Limits: from <= to, at most ${PRICE_DOWNLOAD_MAX_RANGE_DAYS} days, at most ${PRICE_DOWNLOAD_MAX_SUBJECTS} subjects, at most ${PRICE_DOWNLOAD_MAX_ROWS} rows (else 400 naming the parameter). ` +
      `Rows are read ${PRICE_DOWNLOAD_PAGE_ROWS} at a time and sent as they come. CSV: \`subject,ts,price\`, ts in epoch seconds UTC. ` +
      'An unknown subject answers 404; a range without records answers the header only (an empty Parquet file). X-Row-Count gives the rows.',
  })
  @ApiProduces('text/csv', 'application/vnd.apache.parquet')
  @ApiOkResponse({
    description: 'The price file, with Content-Disposition: attachment; filename="prices_<subjects>_<from>_<to>.<csv|parquet>"',
    headers: { 'X-Row-Count': { description: 'stored records in the range: the rows of the file (less any record without a number in the tick value field)', schema: { type: 'string' } } },
  })
  @ApiBadRequestResponse({ type: BadRequestDto })
  @ApiNotFoundResponse({ description: "A subject the competition's feed does not provide." })
  async download(@Query() query: PriceDownloadQuery, @Res() res: Response): Promise<void> {
    const download = await this.prices.check(query); // throws before any byte: a normal 400/404 body
    const file = priceFile(download.format);
    res.status(200);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${this.prices.fileName(download, file.extension)}"`);
    res.setHeader('X-Row-Count', String(download.rows));
    res.setHeader('Cache-Control', 'no-store');
    try {
      if (!(await send(res, file.start()))) return;
      for await (const rows of this.prices.pages(download)) {
        if (!(await send(res, file.page(rows)))) return; // the client went away: stop reading
      }
      res.end(file.end());
    } catch (error) {
      // Headers are gone: the only honest signal left is a cut connection (no valid file end).
      this.logger.error(`price download of ${download.subjects.join(',')} failed mid-stream: ${error instanceof Error ? error.message : String(error)}`);
      res.destroy();
    }
  }
}

/** Writes a chunk, waiting for the socket to drain when it is full; false when the client disconnected. */
async function send(res: Response, chunk: Buffer): Promise<boolean> {
  if (res.destroyed) return false;
  if (chunk.length === 0 || res.write(chunk)) return true;
  return new Promise((resolve) => {
    const settle = (open: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(open);
    };
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
