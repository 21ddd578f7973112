import type { RunEvent } from '../contracts/generated/events/run-event';

export type RunEventType = RunEvent['type'];
export type { RunEvent };

/** Data of an event before it has an id (contracts/events/run-event.schema.json). */
export type RunEventData<T extends RunEventType> = Extract<RunEvent, { type: T }>['data'];

export interface RunEventRow {
  id: string;
  run_id: string;
  type: RunEventType;
  data: Record<string, unknown>;
  at: Date;
}

export function toRunEvent(row: RunEventRow): RunEvent {
  return { id: String(row.id), runId: row.run_id, type: row.type, at: row.at.toISOString(), data: row.data } as unknown as RunEvent;
}
