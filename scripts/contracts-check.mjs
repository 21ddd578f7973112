// npm run contracts:check — regenerates into a temp folder and fails, listing each drifted
// file, when the committed generated code no longer matches contracts/.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { generateAll, listFiles, PY_OUT, ROOT, TS_OUT } from './contracts-lib.mjs';

function compareTrees(expectedDir, actualDir) {
  const drift = [];
  const expected = new Set(listFiles(expectedDir));
  const actual = new Set(listFiles(actualDir).filter((f) => !f.endsWith('.pyc')));
  const shown = relative(ROOT, actualDir);
  for (const file of expected) {
    if (!actual.has(file)) drift.push(`${shown}/${file} (missing)`);
    else if (readFileSync(join(expectedDir, file), 'utf8') !== readFileSync(join(actualDir, file), 'utf8')) {
      drift.push(`${shown}/${file} (differs)`);
    }
  }
  for (const file of actual) if (!expected.has(file)) drift.push(`${shown}/${file} (no longer generated)`);
  return drift;
}

const tmp = mkdtempSync(join(tmpdir(), 'graftwork-contracts-'));
try {
  const tsOut = join(tmp, 'ts');
  const pyOut = join(tmp, 'py');
  await generateAll({ tsOut, pyOut });
  const drift = [...compareTrees(tsOut, TS_OUT), ...compareTrees(pyOut, PY_OUT)];
  if (drift.length > 0) {
    console.error('generated contract code is out of date; run `npm run contracts:gen` and commit:');
    for (const line of drift) console.error(`  ${line}`);
    process.exitCode = 1;
  } else {
    console.log('contracts: generated code is up to date');
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
