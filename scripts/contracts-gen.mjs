// npm run contracts:gen — regenerates the committed TypeScript and Python contract types.
import { relative } from 'node:path';
import { generateAll, PY_OUT, ROOT, TS_OUT } from './contracts-lib.mjs';

await generateAll();
console.log(`generated ${relative(ROOT, TS_OUT)} and ${relative(ROOT, PY_OUT)}`);
