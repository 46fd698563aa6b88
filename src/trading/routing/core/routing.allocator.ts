/**
 * The lit split (pure): minimize Σ_v C_v(q_v) subject to Σ q_v = Q, 0 ≤ q_v ≤ capacity_v, each
 * q_v a multiple of the venue's lot.
 *
 * Greedy marginal-cost allocation: hand out the quantity one increment u at a time, each to the
 * venue whose next increment costs least, C_v(q_v + u) − C_v(q_v). For separable convex costs on
 * a common grid this greedy is optimal (Gross 1956; Ibaraki & Katoh, "Resource Allocation
 * Problems", MIT Press 1988, ch. 4): every C_v is convex (venue-cost.model.ts), so each venue's
 * marginal costs are non-decreasing and the greedy takes the Q/u cheapest marginals overall.
 *
 * Within one book level a venue's cost is linear, so its marginal stays the same step after
 * step and the greedy would keep choosing it: those steps are taken at once (up to the level's
 * end, `linearUntil`), which gives the same allocation as stepping and keeps a million-share
 * order with one-share lots to a few hundred iterations.
 *
 * The common grid is u = lcm of the venues' lots (all venues 100 shares: u = 100), so every step
 * respects every lot. An odd remainder Q mod u goes, whole, to the venue where it costs least
 * among those whose lot divides it; the split is optimal over allocations on the u-grid. What no
 * venue can take now (capacity exhausted, or an odd lot no venue accepts) is `unallocated`, for
 * the next round.
 */
import type { CostCurve } from './venue-cost.model';

export interface Allocation {
  /** Shares per venue, in the order of the curves given. */
  readonly quantities: readonly number[];
  readonly unallocated: number;
  readonly expectedCost: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export function lotGrid(curves: readonly CostCurve[]): number {
  return curves.reduce((u, c) => (u / gcd(u, c.lotSize)) * c.lotSize, 1);
}

export function allocateGreedy(quantity: number, curves: readonly CostCurve[]): Allocation {
  const n = curves.length;
  const q = new Array<number>(n).fill(0);
  if (n === 0 || quantity <= 0) return { quantities: q, unallocated: Math.max(0, quantity), expectedCost: 0 };
  const u = lotGrid(curves);
  const caps = curves.map((c) => Math.floor(c.capacity / u) * u);
  const current = curves.map((c) => c.cost(0));
  const next = curves.map((c, v) => (caps[v] >= u ? c.cost(u) : Infinity));
  let left = quantity;
  while (left >= u) {
    let best = -1;
    let bestMarginal = Infinity;
    for (let v = 0; v < n; v++) {
      const m = next[v] - current[v];
      if (next[v] < Infinity && m < bestMarginal) {
        bestMarginal = m;
        best = v;
      }
    }
    if (best < 0) break;
    // Steps inside one linear piece all cost bestMarginal: take as many as the piece, capacity and order allow.
    const end = Math.min(curves[best].linearUntil(q[best]), caps[best]);
    const steps = q[best] + u <= end ? Math.max(1, Math.min(Math.floor((end - q[best]) / u), Math.floor(left / u))) : 1;
    q[best] += steps * u;
    left -= steps * u;
    current[best] = steps === 1 ? next[best] : curves[best].cost(q[best]);
    next[best] = q[best] + u <= caps[best] ? curves[best].cost(q[best] + u) : Infinity;
  }
  // The odd remainder (or the rest below one grid step): whole, to the cheapest venue that may take it.
  if (left > 0 && left < u) {
    let best = -1;
    let bestMarginal = Infinity;
    for (let v = 0; v < n; v++) {
      if (left % curves[v].lotSize !== 0 || q[v] + left > curves[v].capacity) continue;
      const m = curves[v].cost(q[v] + left) - current[v];
      if (m < bestMarginal) {
        bestMarginal = m;
        best = v;
      }
    }
    if (best >= 0) {
      q[best] += left;
      current[best] = curves[best].cost(q[best]);
      left = 0;
    }
  }
  return { quantities: q, unallocated: left, expectedCost: current.reduce((s, c, v) => s + (q[v] > 0 ? c : 0), 0) };
}
