import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/roles';
import { NotFoundError } from '../common/errors/domain-error';
import { NUMERIC_LIMITS, type RiskLimits } from './core/risk-limits';
import { KillSwitchService, type KillSwitchResult } from './kill-switch.service';
import type { AuditQueryDto, KillSwitchDto, RiskLimitsDto, RiskModeDto } from './risk.dto';
import { FIRM_SCOPE, RiskRepository, type AuditRow } from './risk.repository';
import { RiskStateService } from './risk-state.service';

const LIMIT_KEYS = [...NUMERIC_LIMITS, 'restrictedSymbols'] as const satisfies readonly (keyof RiskLimits)[];

/** The admin routes' orchestration: modes, limits, kill switch, audit. */
@Injectable()
export class RiskAdminService {
  constructor(
    private readonly state: RiskStateService,
    private readonly repo: RiskRepository,
    private readonly kill: KillSwitchService,
  ) {}

  async setMode(principal: Principal, dto: RiskModeDto): Promise<{ scope: string; mode: string; previousMode: string; changed: boolean }> {
    const scope = await this.scopeOf(dto.accountId);
    const previous = this.state.scopeMode(scope);
    const change = await this.state.changeMode(scope, dto.mode, dto.reason, { kind: 'admin', keyId: principal.keyId });
    return { scope, mode: dto.mode, previousMode: change?.from ?? previous, changed: change !== null };
  }

  async setLimits(principal: Principal, dto: RiskLimitsDto): Promise<{ scope: string; limits: RiskLimits }> {
    const scope = await this.scopeOf(dto.accountId);
    const limits: Record<string, unknown> = {};
    for (const k of LIMIT_KEYS) if (dto[k] !== undefined) limits[k] = dto[k];
    const saved = await this.state.setLimits(scope, limits as RiskLimits, dto.reason ?? 'limits set', { kind: 'admin', keyId: principal.keyId });
    return { scope, limits: saved };
  }

  async limits(): Promise<{ scope: string; accountId: string | null; limits: RiskLimits; updatedAt: Date }[]> {
    return this.repo.limits();
  }

  killSwitch(principal: Principal, dto: KillSwitchDto): Promise<KillSwitchResult> {
    return this.kill.engage(principal, dto.reason, dto.flatten ?? false);
  }

  async audit(q: AuditQueryDto): Promise<{ data: AuditRow[]; nextCursor: string | null }> {
    const limit = q.limit ?? 100;
    const rows = await this.repo.audit({ accountId: q.accountId, kind: q.kind, beforeId: q.cursor, limit: limit + 1 });
    const more = rows.length > limit;
    const data = rows.slice(0, limit);
    return { data, nextCursor: more ? data[data.length - 1].id : null };
  }

  private async scopeOf(accountId: string | undefined): Promise<string> {
    if (accountId === undefined) return FIRM_SCOPE;
    if (!(await this.repo.accountExists(accountId))) throw new NotFoundError('Account', accountId);
    return accountId;
  }
}
