import { LoggerService } from '@nestjs/common';
import type { LogLevel } from '../config/app-config';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

type Sink = (line: string) => void;

/**
 * One JSON object per line: {time, level, context, msg, ...fields}. Nest's own messages
 * arrive as (message, context) or (message, stack, context); a trailing plain object is
 * taken as structured fields.
 */
export class JsonLogger implements LoggerService {
  constructor(private readonly level: LogLevel = 'info', private readonly sink: Sink = (line) => process.stdout.write(line + '\n')) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  private write(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level };
    const args = [...rest];
    // Nest passes the context as the last string argument.
    if (typeof args[args.length - 1] === 'string') entry.context = args.pop();
    if (args.length > 0 && typeof args[args.length - 1] === 'object' && args[args.length - 1] !== null) {
      entry.fields = args.pop();
    }
    if (typeof args[0] === 'string' && level === 'error') entry.stack = args[0];
    if (message instanceof Error) {
      entry.msg = message.message;
      entry.stack = message.stack;
    } else {
      entry.msg = typeof message === 'string' ? message : message;
    }
    this.sink(safeStringify(entry));
  }
}

function safeStringify(entry: Record<string, unknown>): string {
  try {
    return JSON.stringify(entry);
  } catch {
    return JSON.stringify({ ...entry, fields: '[unserializable]', msg: String(entry.msg) });
  }
}
