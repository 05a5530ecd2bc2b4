// NestJS 12 and a few of its dependencies ship ES modules only, which Jest on Node 20 cannot
// require, so @swc/jest compiles them to CommonJS along with the TypeScript sources.
const esmOnlyPackages = ['@nestjs', 'uid', 'load-esm', 'file-type', 'token-types', 'strtok3', '@tokenizer', 'uint8array-extras', '@prisma/schema-engine-wasm'];

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/sdk/**/*.spec.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: { '^.+\\.(t|j|mj|cj)s$': swc },
  transformIgnorePatterns: [`node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  testTimeout: 60000,
};
