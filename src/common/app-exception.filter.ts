import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import type { Request, Response } from 'express';
import { toErrorBody } from './error-body';

/**
 * Maps every exception to the shared error shape: a JSON body for REST, a GraphQLError
 * with `extensions.code` / `extensions.field` for GraphQL. Unknown errors are logged and
 * answered as a bare 500 so internals never reach the client.
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    const body = toErrorBody(exception);
    if (body.status >= 500) this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    if ((host.getType() as string) === 'graphql') {
      return new GraphQLError(body.message, {
        extensions: { code: body.error, status: body.status, ...(body.field ? { field: body.field } : {}) },
      });
    }
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      // A stream already started (content download): all we can do is cut it.
      response.destroy();
      return undefined;
    }
    const request = host.switchToHttp().getRequest<Request>();
    // Refused before the body was read (size limit, bad upload parameters): close the
    // connection rather than read, or leave unread, the rest of a large upload.
    if (!request.complete) response.setHeader('Connection', 'close');
    const { status, ...json } = body;
    response.status(status).json(json);
    return undefined;
  }
}
