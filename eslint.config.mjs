// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * DESIGN.md principle 1, enforced: the pure numeric core imports no framework and does no I/O.
 * These paths are the computational files; Nest modules wrap them.
 */
const PURE_CORE = [
  'src/quant/**/*.ts',
  'src/backtesting/core/**/*.ts',
  'src/backtesting/robustness/core/**/*.ts',
  'src/backtesting/optimization/core/**/*.ts',
  'src/backtesting/walk-forward/core/**/*.ts',
  'src/strategies/core/**/*.ts',
  'src/strategies/market-making/core/**/*.ts',
  'src/strategies/runner/core/**/*.ts',
  'src/trading/reconciliation/core/**/*.ts',
  'src/risk/core/**/*.ts',
  'src/trading/sizing/core/**/*.ts',
  'src/trading/slippage/core/**/*.ts',
  'src/trading/brokers/paper/core/**/*.ts',
  'src/trading/routing/core/**/*.ts',
  'src/alerts/core/**/*.ts',
  'src/trading/ledger/**/*.ts',
  'src/trading/execution/core/**/*.ts',
  'src/ml/core/**/*.ts',
  'src/data-sources/**/core/**/*.ts',
];
const IO_MODULES = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'https', 'node:https', 'child_process', 'node:child_process'];

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'bench/.out/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration through AppConfig (src/config), not process.env.' }],
    },
  },
  {
    // Decorated constructor parameters need their classes as values at run time (Nest DI reads
    // emitted metadata), so type-only imports would break injection there.
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // Where the environment is legitimately read: the config loader, the test harness and benchmarks.
    files: ['src/config/app-config.ts', 'test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: PURE_CORE,
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IO_MODULES.map((name) => ({ name, message: 'The pure core does no I/O (DESIGN.md principle 1).' })),
          patterns: [
            { group: ['@nestjs/*'], message: 'The pure core imports no framework (DESIGN.md principle 1).' },
            { group: ['typeorm', 'typeorm/*', 'bullmq', 'ioredis', 'pg', 'pg-*'], message: 'The pure core does no I/O (DESIGN.md principle 1).' },
          ],
        },
      ],
    },
  },
);
