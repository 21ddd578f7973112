import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findContractsDir } from './contracts-dir';

// The same check as `npm run contracts:check`, so `npm test` fails when a schema changed
// and the generated TypeScript or Python was not regenerated.
describe('generated contract code', () => {
  it('matches contracts/ (run `npm run contracts:gen` if this fails)', () => {
    const root = join(findContractsDir(), '..');
    const res = spawnSync(process.execPath, [join(root, 'scripts/contracts-check.mjs')], { cwd: root, encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`${res.stdout}\n${res.stderr}`);
    expect(res.status).toBe(0);
  }, 60_000);
});
