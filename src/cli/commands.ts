import type { RegisterCommands } from './program';
import { registerMigrationCommands } from '../database/migration.command';
import { registerKeysCommands } from '../auth/keys.command';
import { registerImportCommands } from '../market-data/import.command';
import { registerIndicatorsCommands } from '../research/indicators.command';
import { registerMetricsCommands } from '../research/metrics.command';
import { registerRegimesCommands } from '../research/regimes.command';
import { registerAdfCommands } from '../research/adf.command';
import { registerCointCommands } from '../research/coint.command';
import { registerJohansenCommands } from '../research/johansen.command';
import { registerMarketMakingCommands } from '../research/market-making.command';
import { registerPairsCommands } from '../research/pairs.command';
import { registerBacktestCommands } from '../backtesting/backtest.command';
import { registerOptimizeCommands } from '../backtesting/optimization/optimize.command';
import { registerWalkForwardCommands } from '../backtesting/walk-forward/walk-forward.command';
import { registerMonteCarloCommands } from '../backtesting/robustness/monte-carlo.command';

/** Every feature's CLI commands, in `quantdesk --help` order. */
export const CLI_COMMANDS: readonly RegisterCommands[] = [registerMigrationCommands, registerKeysCommands, registerImportCommands, registerIndicatorsCommands, registerMetricsCommands, registerRegimesCommands, registerAdfCommands, registerCointCommands, registerJohansenCommands, registerPairsCommands, registerMarketMakingCommands, registerBacktestCommands, registerOptimizeCommands, registerWalkForwardCommands, registerMonteCarloCommands];
