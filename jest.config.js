// Two jest projects so the fast unit specs and the real-engine integration specs can run apart:
// `npm run test:unit` needs nothing but node; `npm run test:integration` needs dockerd and the local registry.
const transform = { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] };
// eventsource-parser 4 shipped only ES modules (3, which the plugin uses for its Node 20 support, ships both);
// jest before Node 24.9 cannot require ES modules, so jest compiles it like our own sources either way.
const common = {
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: ['/node_modules/(?!eventsource-parser/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  rootDir: __dirname,
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts', '<rootDir>/apps/*/src/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$', '/dist/'],
    },
    {
      ...common,
      displayName: 'integration',
      // bench/*.int.spec.ts run a bench once in its small mode, so it cannot rot unseen.
      testMatch: [
        '<rootDir>/libs/**/*.int.spec.ts',
        '<rootDir>/apps/*/src/**/*.int.spec.ts',
        '<rootDir>/tools/**/*.int.spec.ts',
        '<rootDir>/bench/**/*.int.spec.ts',
      ],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      setupFilesAfterEnv: ['<rootDir>/tools/testing/integration-setup.js'],
      globalSetup: '<rootDir>/tools/testing/integration-global-setup.js',
      globalTeardown: '<rootDir>/tools/testing/assert-nothing-left-behind.js',
    },
  ],
};
