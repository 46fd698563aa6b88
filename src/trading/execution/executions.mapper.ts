import type { ExecutionsService } from './executions.service';
import type { ExecutionDto } from './executions.dto';

/** The one mapping of stored rows to the GET answer (times as ISO text, decimals as text). */
export function toExecutionDto(v: Awaited<ReturnType<ExecutionsService['get']>>): ExecutionDto {
  const { parent: p, slices, fills, quality } = v;
  const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());
  return {
    id: p.id,
    accountId: p.accountId,
    algo: p.algo,
    symbol: p.symbol,
    side: p.side,
    quantity: p.quantity,
    lotSize: p.lotSize,
    params: { ...p.params },
    plan: p.plan,
    status: p.status,
    arrivalPrice: p.arrivalPrice,
    startAt: p.startAt.toISOString(),
    endAt: p.endAt.toISOString(),
    sentQuantity: p.sentQuantity,
    filledQuantity: p.filledQuantity,
    error: p.error,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    finishedAt: iso(p.finishedAt),
    slices: slices.map((s) => ({
      index: s.index,
      dueAt: s.dueAt.toISOString(),
      quantity: s.quantity,
      status: s.status,
      childClientOrderId: s.childClientOrderId,
      childOrderId: s.childOrderId,
      childStatus: s.childStatus,
      filledQuantity: s.filledQuantity,
      sentAt: iso(s.sentAt),
      note: s.note,
    })),
    children: slices
      .filter((s) => s.childOrderId !== null)
      .map((s) => ({
        clientOrderId: s.childClientOrderId,
        orderId: s.childOrderId as string,
        status: s.childStatus,
        quantity: s.quantity,
        filledQuantity: s.filledQuantity,
        fills: fills.filter((f) => f.index === s.index).map((f) => ({ fillId: f.fillId, quantity: f.quantity, price: f.price, commission: f.commission, at: f.filledAt.toISOString() })),
      })),
    quality: quality && { ...quality, computedAt: quality.computedAt.toISOString() },
  };
}
