import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaRefForExample } from './contract-examples';
import { ContractsService } from './contracts.service';

// Every golden payload in contracts/examples/ must match its schema (the Python suite
// checks the same files with the generated pydantic models and jsonschema).
describe('contracts/examples', () => {
  const contracts = new ContractsService();
  const dir = join(contracts.contractsDir, 'examples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

  it('has examples', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s matches its schema', (file) => {
    const ref = schemaRefForExample(file);
    expect(contracts.hasSchema(ref)).toBe(true);
    const value: unknown = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    expect(contracts.check(ref, value, '')).toEqual([]);
  });

  it('maps example names to schemas', () => {
    expect(schemaRefForExample('diagnostics.smoke.json')).toBe('jobs/diagnostics');
    expect(schemaRefForExample('ingestion.metrics-request.non-finite.json')).toBe('ingestion/metrics-request');
    expect(() => schemaRefForExample('lonely.json')).toThrow(/name must be/);
  });
});
