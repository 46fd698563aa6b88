import { logGamma, regularizedIncompleteBeta, studentTSf, studentTTwoSidedP } from './student-t.distribution';

describe('Student t tails and the incomplete beta (closed forms)', () => {
  it('ln Γ at integers and halves to 1e-14 relative', () => {
    const fact = [1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880];
    fact.forEach((f, k) => {
      const x = k + 1;
      expect(Math.abs(logGamma(x) - Math.log(f))).toBeLessThan(1e-14 * Math.max(1, Math.log(f)));
    });
    expect(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14);
    // Γ(n + 1/2) = (2n)! sqrt(pi) / (4^n n!), n = 10.
    const want = Math.log(2432902008176640000) + 0.5 * Math.log(Math.PI) - 10 * Math.log(4) - Math.log(3628800);
    expect(Math.abs(logGamma(10.5) - want) / want).toBeLessThan(1e-14);
    expect(Number.isNaN(logGamma(0))).toBe(true);
  });

  it('I_x(a, 1) = x^a, I_x(1, b) = 1 - (1 - x)^b, and the symmetry I_x(a, b) = 1 - I_{1-x}(b, a)', () => {
    for (const x of [0.01, 0.3, 0.5, 0.77, 0.999]) {
      for (const a of [0.5, 2, 7.5, 40]) {
        expect(regularizedIncompleteBeta(x, a, 1)).toBeCloseTo(x ** a, 13);
        expect(regularizedIncompleteBeta(x, 1, a)).toBeCloseTo(1 - (1 - x) ** a, 13);
        expect(regularizedIncompleteBeta(x, a, 3.2) + regularizedIncompleteBeta(1 - x, 3.2, a)).toBeCloseTo(1, 13);
      }
    }
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
    expect(Number.isNaN(regularizedIncompleteBeta(0.5, -1, 3))).toBe(true);
  });

  it('t tails: df = 1 is Cauchy, df = 2 has P(|T| >= t) = 1 - t / sqrt(2 + t²), large df tends to the normal', () => {
    for (const t of [0.1, 1, 3, 30, 1e4]) {
      // Written without cancellation: 1 - (2/pi) atan t = (2/pi) atan(1/t), and
      // 1 - t/sqrt(2 + t²) = 2 / (sqrt(2 + t²) (sqrt(2 + t²) + t)).
      const cauchy = (2 / Math.PI) * Math.atan(1 / t);
      expect(Math.abs(studentTTwoSidedP(t, 1) - cauchy) / cauchy).toBeLessThan(1e-12);
      const root = Math.sqrt(2 + t * t);
      const two = 2 / (root * (root + t));
      expect(Math.abs(studentTTwoSidedP(t, 2) - two) / two).toBeLessThan(1e-12);
    }
    expect(studentTSf(0, 5)).toBeCloseTo(0.5, 15);
    expect(studentTSf(-2, 7) + studentTSf(2, 7)).toBeCloseTo(1, 15);
    // P(|Z| >= 1.959963984540054) = 0.05; t with 1e6 df is within 1e-6 of it.
    expect(Math.abs(studentTTwoSidedP(1.959963984540054, 1e6) - 0.05)).toBeLessThan(1e-6);
  });
});
