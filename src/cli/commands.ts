import type { RegisterCommands } from './program';
import { registerMigrationCommands } from '../database/migration.command';
import { registerKeysCommands } from '../auth/keys.command';
import { registerImportCommands } from '../market-data/import.command';
import { registerIndicatorsCommands } from '../research/indicators.command';
import { registerMetricsCommands } from '../research/metrics.command';
import { registerBacktestCommands } from '../backtesting/backtest.command';

/** Every feature's CLI commands, in `quantdesk --help` order. */
export const CLI_COMMANDS: readonly RegisterCommands[] = [registerMigrationCommands, registerKeysCommands, registerImportCommands, registerIndicatorsCommands, registerMetricsCommands, registerBacktestCommands];
