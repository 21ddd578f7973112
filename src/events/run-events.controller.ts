import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { InputError } from '../common/errors';
import { RunsService } from '../runs/runs.service';
import { RunEventsService } from './run-events.service';

const KEEPALIVE_MS = 15_000;

function parseEventId(raw: string | undefined, field: string): string {
  if (raw === undefined || raw === '') return '0';
  if (!/^[0-9]{1,19}$/.test(raw)) throw new InputError(field, 'an event id (digits) received earlier');
  return raw;
}

/** Server-Sent Events: replay after Last-Event-ID (or ?afterId=), then live; a comment every 15 s keeps proxies open. */
@ApiTags('runs')
@ApiBearerAuth()
@Controller('api/v1/runs/:id/events')
export class RunEventsController {
  constructor(
    private readonly runs: RunsService,
    private readonly events: RunEventsService,
  ) {}

  @Roles('viewer')
  @Get()
  async stream(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Query('afterId') afterId: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.runs.get(principal, id);
    const after = lastEventId ? parseEventId(lastEventId, 'Last-Event-ID') : parseEventId(afterId, 'afterId');
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(': connected\n\n');
    const stream = this.events.follow(id, after);
    const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
    req.on('close', () => {
      clearInterval(keepalive);
      stream.close();
    });
    for await (const event of stream) {
      res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    }
    clearInterval(keepalive);
    res.end();
  }
}
