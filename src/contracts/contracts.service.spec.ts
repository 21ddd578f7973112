import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContractsService } from './contracts.service';

describe('ContractsService', () => {
  const contracts = new ContractsService();

  it('knows the job kinds from the files in contracts/jobs', () => {
    expect(contracts.jobKinds()).toContain('diagnostics');
  });

  it('accepts a valid diagnostics spec', () => {
    expect(contracts.checkSpec('diagnostics', { steps: 5, hiddenSize: 8 })).toEqual([]);
  });

  it('names the JSON path and the expectation of a bad field', () => {
    const violations = contracts.checkSpec('diagnostics', { steps: 0 });
    expect(violations).toEqual([{ field: 'spec.steps', expected: 'an integer >= 1' }]);
  });

  it('reports a wrong type and an unknown field', () => {
    const violations = contracts.checkSpec('diagnostics', { steps: 'ten', bogus: 1 });
    expect(violations).toEqual(
      expect.arrayContaining([
        { field: 'spec.steps', expected: 'an integer' },
        expect.objectContaining({ field: 'spec.bogus' }),
      ]),
    );
  });

  it('rejects an unknown kind on the field kind', () => {
    expect(contracts.checkSpec('nope', {})).toEqual([{ field: 'kind', expected: expect.stringContaining('diagnostics') }]);
  });

  it('names array indexes and unions in nested payloads', () => {
    const violations = contracts.check('ingestion/metrics-request', { points: [{ key: 'loss', step: 1, value: 'nan' }] }, 'body');
    expect(violations).toEqual([{ field: 'body.points[0].value', expected: 'a number, or one of "NaN", "Infinity", "-Infinity"' }]);
  });

  it('picks up a new kind from a new file without code changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'contracts-'));
    mkdirSync(join(dir, 'jobs'));
    writeFileSync(join(dir, 'README.md'), '');
    writeFileSync(
      join(dir, 'jobs', 'toy.schema.json'),
      JSON.stringify({ type: 'object', required: ['n'], properties: { n: { type: 'integer' } } }),
    );
    const custom = new ContractsService(dir);
    expect(custom.jobKinds()).toEqual(['toy']);
    expect(custom.checkSpec('toy', {})).toEqual([{ field: 'spec.n', expected: 'a value (the field is required)' }]);
  });
});
