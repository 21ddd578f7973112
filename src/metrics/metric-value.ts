/** JSON has no NaN or infinities: on the wire they are these strings (contracts/ingestion/metrics-request). */
export type WireNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/** PostgreSQL's text form of a double (e.g. from `value::text`) → the wire form. */
export function wireFromPgText(text: string): WireNumber {
  if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') return text;
  return Number(text);
}
