// Lint rules: typescript-eslint's recommended type-checked set for our TypeScript, and the
// dependency direction between src/ folders (the policy engine never imports a transport, fronts and
// upstreams never import each other, only the CLI wires everything together).
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, why) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((group) => ({ group: [group], message: why })) },
    ],
  },
});

// The TypeScript that tsconfig.json compiles, so the type-checked rules can ask its program.
const TYPED = ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'];


export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'schema/**', 'test/.tmp/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-debugger': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: TYPED,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its rejection: the failure mode this lint exists to catch.
      '@typescript-eslint/no-floating-promises': 'error',
      // Our async methods without await implement Promise-returning interfaces (sinks, stores, twins): async turns a throw into a rejection, which the interface promises.
      '@typescript-eslint/require-await': 'off',
      // `const { state: _pending, ...stored } = ticket` is how we copy an object without one key.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  layer(
    ['src/policy/**/*.ts'],
    ['**/config/**', '**/front/**', '**/upstream/**', '**/gateway/**', '**/approval/**', '**/audit/**', '**/cli/**', '**/inspect/**', '@modelcontextprotocol/*', 'node:fs', 'node:fs/*', 'node:http', 'node:net', 'node:child_process', 'execa'],
    'The policy engine is pure: data in, decision out (README, Development > Architecture).',
  ),
  layer(
    ['src/jsonrpc/**/*.ts'],
    ['**/config/**', '**/front/**', '**/upstream/**', '**/gateway/**', '**/approval/**', '**/audit/**', '**/cli/**', '**/inspect/**', '**/policy/**', '**/http-host*', '**/version*'],
    'jsonrpc/ is the message core: it imports nothing of ours but errors.ts, and SDK types (README, Development > Architecture).',
  ),
  layer(
    ['src/config/**/*.ts'],
    ['**/front/**', '**/upstream/**', '**/gateway/**', '**/approval/**', '**/audit/**', '**/cli/**', '@modelcontextprotocol/*'],
    'config/ may import policy types only (README, Development > Architecture).',
  ),
  layer(
    ['src/front/**/*.ts'],
    ['**/upstream/**', '**/cli/**'],
    'Fronts and upstreams never import each other (README, Development > Architecture).',
  ),
  layer(
    ['src/upstream/**/*.ts'],
    ['**/front/**', '**/gateway/**', '**/approval/**', '**/cli/**', '**/policy/**'],
    'Upstreams know nothing of fronts, policy or the gateway (README, Development > Architecture).',
  ),
  layer(
    ['src/gateway/**/*.ts', 'src/approval/**/*.ts', 'src/audit/**/*.ts', 'src/inspect/**/*.ts'],
    ['**/front/**', '**/cli/**'],
    'Only the CLI wires fronts to the gateway (README, Development > Architecture).',
  ),
);
