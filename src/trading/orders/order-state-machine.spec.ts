import { ORDER_STATUSES, TERMINAL_STATUSES, type OrderStatus } from './order.types';
import { canTransition, InvalidOrderTransitionError, OPEN_STATUSES, ORDER_TRANSITIONS, transition } from './order-state-machine';

describe('order state machine', () => {
  it.each<[OrderStatus, OrderStatus]>([
    ['new', 'accepted'],
    ['new', 'rejected'],
    ['new', 'cancelled'],
    ['accepted', 'partially_filled'],
    ['accepted', 'filled'],
    ['accepted', 'cancelled'],
    ['accepted', 'expired'],
    ['accepted', 'replaced'],
    ['partially_filled', 'partially_filled'],
    ['partially_filled', 'filled'],
    ['partially_filled', 'cancelled'],
    ['partially_filled', 'replaced'],
  ])('allows %s -> %s', (from, to) => {
    expect(transition(from, to)).toBe(to);
  });

  it.each<[OrderStatus, OrderStatus]>([
    ['new', 'filled'],
    ['new', 'partially_filled'],
    ['new', 'replaced'],
    ['accepted', 'new'],
    ['partially_filled', 'accepted'],
    ['filled', 'cancelled'],
    ['cancelled', 'filled'],
    ['rejected', 'accepted'],
    ['replaced', 'filled'],
    ['expired', 'accepted'],
  ])('refuses %s -> %s with a typed error naming both', (from, to) => {
    expect(() => transition(from, to)).toThrow(InvalidOrderTransitionError);
    try {
      transition(from, to);
    } catch (e) {
      expect(e).toMatchObject({ statusCode: 409, code: 'INVALID_ORDER_TRANSITION', details: { from, to } });
    }
  });

  it('terminal statuses are exactly those with no way out, and every other status is open', () => {
    for (const s of ORDER_STATUSES) {
      expect(ORDER_TRANSITIONS[s].length === 0).toBe(TERMINAL_STATUSES.has(s));
      for (const to of ORDER_STATUSES) if (TERMINAL_STATUSES.has(s)) expect(canTransition(s, to)).toBe(false);
    }
    expect([...OPEN_STATUSES].sort()).toEqual(['accepted', 'new', 'partially_filled']);
  });

  it('no status moves back to new', () => {
    for (const s of ORDER_STATUSES) expect(canTransition(s, 'new')).toBe(false);
  });
});
