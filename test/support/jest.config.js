// The root jest.config.js plus what NestJS 12 needs under Node 20: its packages are
// ES modules only, and jest on Node < 24.9 cannot require() them, so they are compiled to
// CommonJS with swc like our own files. Used by `npm run test:unit` / `test:integration`.
// (Folding these two settings into the root jest.config.js would make plain `npx jest` work too.)
const path = require('node:path');
const base = require('../../jest.config.js');

const ROOT = path.resolve(__dirname, '..', '..');
const swcJs = ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }];
const ESM_ONLY_PACKAGES = ['@nestjs'];

module.exports = {
  ...base,
  rootDir: ROOT,
  // In CI only: a Redis client left open by a module's shutdown must not hang the whole
  // run forever. Locally jest still waits and says "did not exit", which is the signal to
  // fix the leak (run with --detectOpenHandles).
  forceExit: process.env.CI === 'true',
  projects: base.projects.map(({ maxWorkers: _perProjectWorkersUnsupported, ...project }) => ({
    ...project,
    rootDir: ROOT,
    transform: { ...project.transform, '^.+\\.m?js$': swcJs },
    transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_PACKAGES.join('|')})/)`],
    // Integration files build a database and an app in beforeAll: seconds on a busy machine.
    ...(project.displayName === 'integration' ? { testTimeout: 60_000 } : {}),
  })),
};
