import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { Decimal, formatDecimal } from '../../common/decimal';
import type { AccountId } from '../../common/typed-ids';
import { accountFigures, type AccountFigures, type MarkedPosition } from '../ledger/account.ledger';
import { unrealizedPnl } from '../ledger/position.ledger';
import type { PositionEntity } from './position.entity';
import { PortfolioRepository, type SnapshotRow } from './portfolio.repository';

export interface PositionView extends MarkedPosition {
  readonly markSource: 'bar' | 'last_fill';
  readonly unrealizedPnl: Decimal;
  readonly marketValue: Decimal;
  readonly updatedAt: Date;
}

/** A UTC day as YYYY-MM-DD. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * Positions, account figures and equity snapshots from the ledger tables. Marks: the latest
 * bar close of the symbol when that bar is newer than the position's last fill, else the last
 * fill price (the OMS has no quote feed of its own; the live runner's bars land in `bars`).
 */
@Injectable()
export class PortfolioService {
  constructor(
    private readonly repo: PortfolioRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async positions(accountId: AccountId, includeFlat = false): Promise<PositionView[]> {
    const rows = await this.repo.positions(accountId, includeFlat);
    const closes = await this.repo.latestCloses(rows.map((r) => r.symbol));
    return rows.map((r) => this.view(r, closes.get(r.symbol)));
  }

  async account(accountId: AccountId): Promise<AccountFigures> {
    const balance = await this.repo.balance(accountId, this.config.paperStartingCash);
    const positions = await this.positions(accountId, true);
    return accountFigures(new Decimal(balance.cash), positions);
  }

  /** The mark of a symbol for an account (arrival price of a new order); null without any price. */
  async mark(accountId: AccountId, symbol: string): Promise<Decimal | null> {
    const m = await this.repo.markInputs(accountId, symbol);
    if (m.lastPrice && m.positionAt && !(m.close && m.closeAt && m.closeAt > m.positionAt)) return new Decimal(m.lastPrice);
    return m.close ? new Decimal(m.close) : null;
  }

  /**
   * Writes every account's equity and cash for `day` (UTC), one row per account and day; run
   * again the same day, it replaces that day's rows (idempotent under redelivery).
   */
  async snapshotEquity(day: string = utcDay(new Date())): Promise<SnapshotRow[]> {
    const out: SnapshotRow[] = [];
    for (const b of await this.repo.accountsWithBalances()) {
      const figures = await this.account(b.accountId as AccountId);
      const row = { accountId: b.accountId, day, equity: formatDecimal(figures.equity), cash: formatDecimal(figures.cash) };
      await this.repo.upsertSnapshot(row);
      out.push(row);
    }
    return out;
  }

  snapshots(accountId: AccountId, from?: string, to?: string): Promise<SnapshotRow[]> {
    return this.repo.snapshots(accountId, from, to);
  }

  private view(r: PositionEntity, close: { close: string; ts: Date } | undefined): PositionView {
    const useBar = close !== undefined && (r.lastPrice === null || close.ts > r.updatedAt);
    const mark = new Decimal(useBar ? close.close : (r.lastPrice ?? r.averageCost));
    const pos = { quantity: new Decimal(r.quantity), averageCost: new Decimal(r.averageCost), realizedPnl: new Decimal(r.realizedPnl) };
    return {
      symbol: r.symbol,
      ...pos,
      mark,
      markSource: useBar ? 'bar' : 'last_fill',
      unrealizedPnl: unrealizedPnl(pos, mark),
      marketValue: pos.quantity.times(mark),
      updatedAt: r.updatedAt,
    };
  }
}
