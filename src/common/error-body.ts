import { HttpException } from '@nestjs/common';
import { AppError } from './errors';

/** The one description of a failure that REST bodies and GraphQL extensions both use. */
export interface ErrorBody {
  status: number;
  error: string;
  message: string;
  field?: string;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof AppError) {
    return { status: exception.status, error: exception.code, message: exception.message, field: exception.field };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return { status, error: CODE_BY_STATUS[status] ?? 'http_error', message: httpMessage(exception) };
  }
  // body-parser and other express middleware signal with a plain error carrying `status`.
  const status = (exception as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, error: CODE_BY_STATUS[status] ?? 'http_error', message: (exception as Error).message };
  }
  return { status: 500, error: 'internal_error', message: 'internal server error' };
}

function httpMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}
