import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { InputError, PayloadTooLargeError } from './errors';

/**
 * JSON body parsing as a Nest middleware (the app is created with bodyParser off), so that
 * an oversized or malformed body becomes an exception the global filter renders
 * (413 naming the limit, 400) instead of express's HTML error page. Raw uploads
 * (application/octet-stream) are left untouched for streaming.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parse: express.RequestHandler;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.parse = express.json({ limit: config.maxBodyBytes });
  }

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.parse(req, res, (error?: unknown) => (error ? reject(this.translate(error)) : resolve()));
    });
    next();
  }

  private translate(error: unknown): unknown {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') return new PayloadTooLargeError(this.config.maxBodyBytes, 'JSON body');
    if (type === 'entity.parse.failed') return new InputError('body', 'valid JSON');
    return error;
  }
}
