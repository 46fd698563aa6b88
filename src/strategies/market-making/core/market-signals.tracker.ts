/**
 * The causal market signals a Quoter reads (MarketState): short-term and baseline volatility of
 * the mid, order-flow imbalance of recent trades, and the adverse-fill cooldown. The simulator
 * feeds it event by event, and the live session (../market-making.session.ts) the same way
 * through the shared QuotingStep, so both callers
 * hand the quoter the same state for the same stream. State at event i depends on events 0..i
 * only; nothing is allocated after construction.
 *
 * - Volatility: samples x = (Δmid)² / Δt (a variance per time unit) at each quote event whose
 *   time is past the previous sample's; the first `volWarmup` samples are averaged and seed both
 *   EWMAs (TTR's EMA convention: the first value is the SMA of the first n), then
 *   v ← λ·v + (1 - λ)·x with volLambda (short-term) and baselineLambda (baseline): the
 *   RiskMetrics (J.P. Morgan 1996) exponentially weighted variance. σ = √v; NaN before the seed.
 *   Mid changes at equal times are folded into the next sample with a positive Δt.
 * - Order-flow imbalance: Σ side·size / Σ size over the last `ofiWindow` trades (a ring buffer;
 *   the running sums are recomputed from the buffer each time it wraps, so rounding cannot drift).
 * - Adverse fills: the last fill of each side is kept with its event index and mid; if within
 *   `adverseWindow` events (the fill's own event included) the mid moves against it by more than
 *   `adverseMove` (below the fill's mid after we bought, above it after we sold), the fill is
 *   adverse and the spread stays widened for `adverseCooldown` events from there.
 */
import type { MarketState } from './avellaneda-stoikov.quoter';
import type { MarketMakingParams } from './market-making.params';

export class MarketSignalsTracker {
  /** The state the quoter reads; mutated in place. */
  readonly state: MarketState = { time: NaN, mid: NaN, sigma: NaN, sigmaBaseline: NaN, orderFlowImbalance: 0, adverse: false };
  /** Adverse fills detected so far. */
  adverseFills = 0;

  private readonly volLambda: number;
  private readonly baselineLambda: number;
  private readonly warmup: number;
  private readonly window: number;
  private readonly adverseWindow: number;
  private readonly adverseMove: number;
  private readonly cooldown: number;

  private anchorMid = NaN;
  private anchorTime = NaN;
  private samples = 0;
  private seedSum = 0;
  private vShort = NaN;
  private vBase = NaN;

  private readonly signed: Float64Array;
  private readonly volume: Float64Array;
  private ringPos = 0;
  private ringCount = 0;
  private signedSum = 0;
  private volumeSum = 0;

  private bidFillEvent = -1;
  private bidFillMid = NaN;
  private askFillEvent = -1;
  private askFillMid = NaN;
  private adverseUntil = -1;

  constructor(params: MarketMakingParams) {
    this.volLambda = params.volLambda;
    this.baselineLambda = params.baselineLambda;
    this.warmup = params.volWarmup;
    this.window = params.ofiWindow;
    this.adverseWindow = params.adverseWindow;
    this.adverseMove = params.adverseMove;
    this.cooldown = params.adverseCooldown;
    this.signed = new Float64Array(this.window);
    this.volume = new Float64Array(this.window);
  }

  /** Event `index` at `time` is about to be quoted on: updates time and the cooldown flag. */
  beginEvent(index: number, time: number): void {
    this.state.time = time;
    this.state.adverse = index < this.adverseUntil;
  }

  /** A quote event's mid (NaN: the market is unknown, the quoter will stay out). */
  onMid(index: number, time: number, mid: number): void {
    this.state.mid = mid;
    if (mid !== mid) return;
    this.checkAdverse(index, mid);
    if (this.anchorMid !== this.anchorMid) {
      this.anchorMid = mid;
      this.anchorTime = time;
      return;
    }
    const dt = time - this.anchorTime;
    if (!(dt > 0)) return;
    const d = mid - this.anchorMid;
    const x = (d * d) / dt;
    this.anchorMid = mid;
    this.anchorTime = time;
    this.samples++;
    if (this.samples < this.warmup) {
      this.seedSum += x;
      return;
    }
    if (this.samples === this.warmup) {
      this.vShort = this.vBase = (this.seedSum + x) / this.warmup;
    } else {
      this.vShort = this.volLambda * this.vShort + (1 - this.volLambda) * x;
      this.vBase = this.baselineLambda * this.vBase + (1 - this.baselineLambda) * x;
    }
    this.state.sigma = Math.sqrt(this.vShort);
    this.state.sigmaBaseline = Math.sqrt(this.vBase);
  }

  /** A trade (side +1 buyer-initiated, -1 seller-initiated). */
  onTrade(side: number, size: number): void {
    const pos = this.ringPos;
    if (this.ringCount === this.window) {
      this.signedSum -= this.signed[pos];
      this.volumeSum -= this.volume[pos];
    } else this.ringCount++;
    this.signed[pos] = side * size;
    this.volume[pos] = size;
    this.signedSum += side * size;
    this.volumeSum += size;
    this.ringPos = pos + 1 === this.window ? 0 : pos + 1;
    if (this.ringPos === 0) {
      // Resync the running sums exactly once per wrap (O(1) amortized).
      let s = 0;
      let v = 0;
      for (let j = 0; j < this.ringCount; j++) {
        s += this.signed[j];
        v += this.volume[j];
      }
      this.signedSum = s;
      this.volumeSum = v;
    }
    this.state.orderFlowImbalance = this.volumeSum > 0 ? Math.max(-1, Math.min(1, this.signedSum / this.volumeSum)) : 0;
  }

  /** One of our quotes filled at event `index` (side +1: our bid, we bought; -1: our ask) with the mid then. */
  onFill(index: number, side: number, mid: number): void {
    if (side > 0) {
      this.bidFillEvent = index;
      this.bidFillMid = mid;
    } else {
      this.askFillEvent = index;
      this.askFillMid = mid;
    }
  }

  private checkAdverse(index: number, mid: number): void {
    if (this.bidFillEvent >= 0) {
      if (index - this.bidFillEvent >= this.adverseWindow) this.bidFillEvent = -1;
      else if (mid < this.bidFillMid - this.adverseMove) this.flagAdverse(index, 1);
    }
    if (this.askFillEvent >= 0) {
      if (index - this.askFillEvent >= this.adverseWindow) this.askFillEvent = -1;
      else if (mid > this.askFillMid + this.adverseMove) this.flagAdverse(index, -1);
    }
  }

  private flagAdverse(index: number, side: number): void {
    this.adverseFills++;
    if (side > 0) this.bidFillEvent = -1;
    else this.askFillEvent = -1;
    this.adverseUntil = Math.max(this.adverseUntil, index + this.cooldown);
    this.state.adverse = index < this.adverseUntil;
  }
}
