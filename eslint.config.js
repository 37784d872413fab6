// Lint rules that keep the dependency direction of DESIGN.md §1: the policy engine never imports a
// transport, fronts and upstreams never import each other, only the CLI wires everything together.
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
  layer(
    ['src/policy/**/*.ts'],
    ['**/config/**', '**/front/**', '**/upstream/**', '**/gateway/**', '**/approval/**', '**/audit/**', '**/cli/**', '**/inspect/**', '@modelcontextprotocol/*', 'node:fs', 'node:fs/*', 'node:http', 'node:net', 'node:child_process', 'execa'],
    'The policy engine is pure: data in, decision out (DESIGN.md §1).',
  ),
  layer(
    ['src/jsonrpc/**/*.ts'],
    ['**/config/**', '**/front/**', '**/upstream/**', '**/gateway/**', '**/approval/**', '**/audit/**', '**/cli/**', '**/inspect/**', '**/policy/**', '**/http-host*', '**/version*'],
    'jsonrpc/ is the message core: it imports nothing of ours but errors.ts, and SDK types (DESIGN.md §1).',
  ),
  layer(
    ['src/config/**/*.ts'],
    ['**/front/**', '**/upstream/**', '**/gateway/**', '**/approval/**', '**/audit/**', '**/cli/**', '@modelcontextprotocol/*'],
    'config/ may import policy types only (DESIGN.md §1).',
  ),
  layer(
    ['src/front/**/*.ts'],
    ['**/upstream/**', '**/cli/**'],
    'Fronts and upstreams never import each other (DESIGN.md §1).',
  ),
  layer(
    ['src/upstream/**/*.ts'],
    ['**/front/**', '**/gateway/**', '**/approval/**', '**/cli/**', '**/policy/**'],
    'Upstreams know nothing of fronts, policy or the gateway (DESIGN.md §1).',
  ),
  layer(
    ['src/gateway/**/*.ts', 'src/approval/**/*.ts', 'src/audit/**/*.ts', 'src/inspect/**/*.ts'],
    ['**/front/**', '**/cli/**'],
    'Only the CLI wires fronts to the gateway (DESIGN.md §1).',
  ),
);
