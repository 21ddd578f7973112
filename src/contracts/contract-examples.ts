/**
 * Which schema a golden example in contracts/examples/ is checked against:
 * `<kind>.<name>.json` → jobs/<kind> (a run spec), and
 * `<folder>.<schema>.<name>.json` → <folder>/<schema> for the other folders
 * (results, events, ingestion, queue). The Python suite applies the same rule.
 */
const FOLDERS = ['results', 'events', 'ingestion', 'queue'];

export function schemaRefForExample(fileName: string): string {
  const parts = fileName.replace(/\.json$/, '').split('.');
  if (parts.length >= 3 && FOLDERS.includes(parts[0])) return `${parts[0]}/${parts[1]}`;
  if (parts.length >= 2) return `jobs/${parts[0]}`;
  throw new Error(`contracts/examples/${fileName}: name must be <kind>.<name>.json or <folder>.<schema>.<name>.json`);
}
