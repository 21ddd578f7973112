// Two projects: fast unit specs beside the code, and integration/e2e specs under test/
// that need the real PostgreSQL, Redis and (for e2e) the Python worker.
//
// NestJS 12 ships ES modules only, and jest on Node < 24.9 cannot require() them, so those
// packages are compiled to CommonJS with swc like our own files.
const swcTs = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
}];
const swcJs = ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }];
const ESM_ONLY_PACKAGES = ['@nestjs'];

const common = {
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swcTs, '^.+\\.m?js$': swcJs },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_PACKAGES.join('|')})/)`],
};

module.exports = {
  // In CI only: a Redis client left open by a module's shutdown must not hang the whole
  // run. Locally jest still waits and says "did not exit", the signal to fix the leak.
  forceExit: process.env.CI === 'true',
  // Integration files build a database and an app in beforeAll: seconds on a busy machine.
  // (A global option: jest ignores testTimeout inside a project.)
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/src'], testMatch: ['**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    },
  ],
};
