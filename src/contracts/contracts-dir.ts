import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository's contracts/ folder. Found by walking up from this file, so the same code
 * works from src/ (ts) and dist/src/ (built); GRAFTWORK_CONTRACTS_DIR overrides it for a
 * deployment that ships the schemas elsewhere.
 */
export function findContractsDir(start: string = __dirname): string {
  const override = process.env.GRAFTWORK_CONTRACTS_DIR;
  if (override) return override;
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'contracts');
    if (existsSync(join(candidate, 'README.md')) && existsSync(join(candidate, 'jobs'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`contracts/ not found above ${start}; set GRAFTWORK_CONTRACTS_DIR`);
    dir = parent;
  }
}
