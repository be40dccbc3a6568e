import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ifNoneMatchHits } from '../leaderboard/if-none-match';
import { loadWebAssets, WebAsset } from '../web/web-assets';

// Everything the page loads comes from this origin; inline styles are allowed for Chart.js's canvas sizing.
const CONTENT_SECURITY_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** The leaderboard web page at `/` and its assets under `/assets/`. */
@ApiExcludeController()
@Controller()
export class WebController {
  private readonly assets = loadWebAssets();

  @Get()
  page(@Req() req: Request, @Res() res: Response): void {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    this.send(req, res, this.assets.get('index.html')!);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Req() req: Request, @Res() res: Response): void {
    const found = file === 'index.html' ? undefined : this.assets.get(file);
    if (!found) throw new NotFoundException(`no asset named ${file.slice(0, 100)}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    this.send(req, res, found);
  }

  private send(req: Request, res: Response, asset: WebAsset): void {
    res.setHeader('ETag', asset.etag);
    res.setHeader('Cache-Control', 'no-cache');
    if (ifNoneMatchHits(req.headers['if-none-match'], asset.etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', asset.contentType);
    res.setHeader('Content-Length', asset.body.length);
    res.status(200).end(asset.body);
  }
}
