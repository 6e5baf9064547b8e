import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * @logferry/core's layers, top to bottom (packages/core/README.md, "Layers"):
 * each may import only the layers listed for it. Only node/ and transport/
 * touch Node's built-ins, so the rest can run in a browser too.
 */
const CORE = 'packages/core/src';
const LAYERS = ['node', 'pipeline', 'intake', 'protocols', 'transport', 'options', 'record', 'timing', 'errors'];
const MAY_IMPORT = {
  node: LAYERS,
  pipeline: ['pipeline', 'intake', 'protocols', 'options', 'record', 'timing', 'errors'],
  intake: ['intake', 'options', 'record', 'errors'],
  protocols: ['protocols', 'transport', 'options', 'record', 'timing', 'errors'],
  transport: ['transport', 'timing', 'errors'],
  options: ['options', 'record', 'errors'],
  record: ['record', 'errors'],
  timing: ['timing', 'errors'],
  errors: ['errors'],
};
const NODE_BUILTIN = { regex: '^node:', message: 'Only node/ and transport/ use Node built-ins: hand the pipeline what it needs instead.' };
const NODE_PACKAGES = { regex: '^(undici|sonic-boom|thread-stream|pino-abstract-transport)(/|$)', message: 'Node-only packages belong in node/ or transport/.' };
// The portable layers run in a browser (@logferry/browser bundles them): none of Node's globals there.
const NODE_GLOBALS = ['Buffer', 'process', 'setImmediate', 'clearImmediate', 'global', 'require', 'module', '__dirname', '__filename'].map((name) => ({
  name,
  message: 'The portable layers run in a browser too: no Node globals (use Uint8Array/TextEncoder, or have node/ hand it in).',
}));
const layerRules = LAYERS.map((layer) => {
  const banned = LAYERS.filter((other) => !MAY_IMPORT[layer].includes(other));
  const patterns = [];
  if (banned.length > 0) {
    patterns.push({
      regex: `^\\.\\.?/(\\.\\./)*(${banned.join('|')})/`,
      message: `${layer}/ may import only ${MAY_IMPORT[layer].join(', ')} (imports point down the layers).`,
    });
  }
  if (layer !== 'node' && layer !== 'transport') patterns.push(NODE_BUILTIN, NODE_PACKAGES);
  if (layer === 'pipeline' || layer === 'protocols') {
    // The HTTP interface only: which implementation runs is node/'s choice.
    patterns.push({ regex: '/transport/(?!http\\.js$)', message: `${layer}/ may import transport/http.js (the interface) only.` });
  }
  const rules = { 'no-restricted-imports': ['error', { patterns }] };
  if (layer !== 'node' && layer !== 'transport') rules['no-restricted-globals'] = ['error', ...NODE_GLOBALS];
  return { files: [`${CORE}/${layer}/**/*.ts`], rules };
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly',
        clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        setImmediate: 'readonly', clearImmediate: 'readonly', URL: 'readonly', AbortController: 'readonly',
        AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', queueMicrotask: 'readonly',
        structuredClone: 'readonly', fetch: 'readonly', performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  ...layerRules,
  // CommonJS files (the consumer suite's CommonJS apps): require() is how they load packages.
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', __filename: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // @logferry/browser runs in a page: no Node globals, no Node built-ins (its build's platform 'browser' fails on one too).
    files: ['packages/browser/src/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...NODE_GLOBALS],
      'no-restricted-imports': ['error', { patterns: [NODE_BUILTIN, NODE_PACKAGES] }],
    },
  },
);
