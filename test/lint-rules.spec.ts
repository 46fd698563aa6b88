import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** Lints `code` as if it were the file `path` of the project, with the project's ESLint config. */
function lint(path: string, code: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', path], {
    cwd: ROOT,
    input: code,
    encoding: 'utf8',
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('ESLint: the pure core (DESIGN.md principle 1)', () => {
  it.each([
    ["import { Injectable } from '@nestjs/common';", 'src/quant/indicators/probe.ts'],
    ["import { DataSource } from 'typeorm';", 'src/quant/stats/probe.ts'],
    ["import { Queue } from 'bullmq';", 'src/backtesting/core/probe.ts'],
    ["import Redis from 'ioredis';", 'src/risk/core/probe.ts'],
    ["import { readFileSync } from 'node:fs';", 'src/quant/metrics/probe.ts'],
    ["import * as net from 'net';", 'src/strategies/core/probe.ts'],
    ["import { Injectable } from '@nestjs/common';", 'src/trading/sizing/core/probe.ts'],
    ["import { Repository } from 'typeorm';", 'src/trading/slippage/core/probe.ts'],
    ["import { DataSource } from 'typeorm';", 'src/trading/brokers/paper/core/probe.ts'],
    ["import { Module } from '@nestjs/common';", 'src/trading/routing/core/probe.ts'],
    ["import { EntityManager } from 'typeorm';", 'src/trading/ledger/probe.ts'],
  ])('refuses %s in %s', (importLine, path) => {
    const r = lint(path, `${importLine}\nexport const probe = 1;\n`);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/no-restricted-imports/);
  });

  it('allows plain imports in the core and framework imports outside it', () => {
    expect(lint('src/quant/indicators/probe.ts', "import { ROLES } from '../../auth/roles';\nexport const probe = ROLES;\n").status).toBe(0);
    expect(lint('src/health/probe.ts', "import { Injectable } from '@nestjs/common';\nexport const probe = Injectable;\n").status).toBe(0);
  });

  it('keeps process.env inside the config loader', () => {
    const r = lint('src/health/probe.ts', 'export const port = process.env.PORT;\n');
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/AppConfig/);
  });
});
