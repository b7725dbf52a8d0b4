// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Boundaries between modules. In a flat config the last object that matches a file sets a rule's
// options, so each object below lists every restriction that applies to its files.
const ENGINES = ['deploy', 'failover', 'compliance', 'cost', 'lifecycle', 'waf', 'lint', 'stacks'];
const engines = (glob) => ENGINES.map((engine) => `src/lib/${engine}/${glob}`);

/** The only src files that may load the AWS SDK's clients and commands (types are free to use). */
const SDK_ADAPTERS = [
  'src/lib/aws/**',
  'src/lib/**/aws.ts',
  'src/lib/**/hooks-aws.ts',
  // The local café's DynamoDB client (dynalite or --dynamodb-endpoint): it signs with fixed local
  // credentials, which AwsClients cannot pass, so it is the dev adapter for DynamoDB.
  'src/lib/dev/dynamodb.ts',
];
/**
 * Engine files that may use the ui's values: the services wire an engine to the terminal (live
 * view, progress), the render and format modules draw its results with the ui's table renderer.
 */
const UI_USERS = ['src/lib/**/service.ts', 'src/lib/**/render*.ts', 'src/lib/**/format.ts', 'src/lib/**/format/**'];

const sdkOutsideAdapters = {
  group: ['@aws-sdk/client-*', '@aws-sdk/lib-*'],
  allowTypeImports: true,
  message: 'AWS SDK clients and commands belong in src/lib/aws or an aws.ts adapter; take the client or a port as an argument.',
};
const uiValuesInEngines = {
  regex: '^\\.{1,2}/(.*/)?ui(/|$)',
  allowTypeImports: true,
  message: 'an engine reports through the Output it is given; only `import type` from the ui (rendering goes in render*.ts or format/).',
};
const restrict = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });

const boundaries = [
  {
    files: ['src/**/*.ts'],
    ignores: SDK_ADAPTERS,
    rules: {
      ...restrict(sdkOutsideAdapters),
      // The SDK is also loaded on demand (import(), require) so that `cafe-ops --help` stays light.
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportExpression[source.value=/^@aws-sdk.(client|lib)-/]', message: sdkOutsideAdapters.message },
        { selector: "CallExpression[callee.name='require'][arguments.0.value=/^@aws-sdk.(client|lib)-/]", message: sdkOutsideAdapters.message },
      ],
    },
  },
  { files: engines('**/*.ts'), ignores: [...SDK_ADAPTERS, ...UI_USERS], rules: restrict(sdkOutsideAdapters, uiValuesInEngines) },
  { files: [...engines('**/aws.ts'), ...engines('**/hooks-aws.ts')], ignores: UI_USERS, rules: restrict(uiValuesInEngines) },
  {
    files: ['src/lib/deploy/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.{1,2}/(.*/)?dev(/|$)', message: 'deploy does not depend on the local café (src/lib/dev); move what both need next to deploy or into a shared module.' }] },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'site/dist/', 'test-artifacts/', '.cafe-ops/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['test/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
  ...boundaries,
);
