import { Injectable } from '@nestjs/common';
import { DomainError, type ErrorDetails } from '../../common/errors/domain-error';

/** Submit refused: the account's reconciliation has not succeeded yet (running or failed). */
export class ReconciliationPendingError extends DomainError {
  readonly statusCode = 503;
  readonly code: 'RECONCILIATION_PENDING' | 'RECONCILIATION_FAILED';
  constructor(failed: boolean, message: string, details: ErrorDetails) {
    super(message, details);
    this.code = failed ? 'RECONCILIATION_FAILED' : 'RECONCILIATION_PENDING';
  }
}

export interface AccountReconciliationState {
  readonly status: 'pending' | 'ok' | 'failed';
  /** What failed, for the 503's details (unknown broker orders, position breaks, an error). */
  readonly breaks?: ErrorDetails;
}

/**
 * Per-account "reconciled" state of this process, checked by the OMS on every submit (a map
 * lookup, nothing read). An account absent from the map had no orders at start-up, so it is
 * trivially reconciled. Accounts with orders start `pending` (set at bootstrap, before the
 * server listens) and become `ok` or `failed` with each run; only `ok` lets new orders in.
 * Cancels are never refused here: reducing risk stays possible while the books disagree.
 */
@Injectable()
export class ReconciliationState {
  private readonly accounts = new Map<string, AccountReconciliationState>();

  set(accountId: string, state: AccountReconciliationState): void {
    this.accounts.set(accountId, state);
  }

  get(accountId: string): AccountReconciliationState | undefined {
    return this.accounts.get(accountId);
  }

  /** Throws the 503 when the account may not trade yet. */
  assertTradable(accountId: string): void {
    const s = this.accounts.get(accountId);
    if (s === undefined || s.status === 'ok') return;
    if (s.status === 'pending') {
      throw new ReconciliationPendingError(false, `Trading for account ${accountId} starts once its reconciliation with the broker has succeeded`, { accountId });
    }
    throw new ReconciliationPendingError(true, `Trading for account ${accountId} is stopped: its reconciliation with the broker failed`, { accountId, ...s.breaks });
  }
}
