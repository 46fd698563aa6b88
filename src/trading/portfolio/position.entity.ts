import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An account's holding in one symbol (`positions`): signed quantity, average cost, realized P&L. */
@Entity({ name: 'positions' })
export class PositionEntity {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' }) accountId!: string;
  @PrimaryColumn({ type: 'text' }) symbol!: string;
  @Column({ type: 'numeric' }) quantity!: string;
  @Column({ name: 'average_cost', type: 'numeric' }) averageCost!: string;
  /** Net of commissions (src/trading/ledger/position.ledger.ts). */
  @Column({ name: 'realized_pnl', type: 'numeric' }) realizedPnl!: string;
  @Column({ name: 'last_price', type: 'numeric', nullable: true }) lastPrice!: string | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
