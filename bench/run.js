#!/usr/bin/env node
'use strict';
/**
 * `npm run bench -- <name> [args]`: compiles the project and bench/*.ts (tsconfig.bench.json,
 * into bench/.out/dist, leaving the server's dist/ alone) and runs bench/<name>.ts from there.
 * Benchmarks print figures; nothing here is a test.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const available = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3));
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name> [args]\nbenchmarks: ${available.join(', ')}\n`);
  process.exit(2);
}
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.bench.json')], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
process.argv = [process.argv[0], path.join(__dirname, `${name}.ts`), ...args];
require(path.join(root, 'bench', '.out', 'dist', 'bench', `${name}.js`));
