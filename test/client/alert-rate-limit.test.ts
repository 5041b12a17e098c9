import { StartBudget } from '../../client/alert-rate-limit';

describe('the budget of recoveries started per minute', () => {
  let clock = 0;
  const budget = () => new StartBudget({ perSender: 3, total: 5 }, () => clock);

  beforeEach(() => {
    clock = 1_000_000;
  });

  it('takes a batch whole or not at all, per sender, and says when to come back', () => {
    const b = budget();
    expect(b.take('10.0.0.1', 2)).toEqual({ ok: true });
    clock += 20_000;
    expect(b.take('10.0.0.1', 2)).toEqual({ ok: false, retryAfterSeconds: 40, why: 'rate limit: at most 3 new recoveries a minute from one sender' });
    expect(b.take('10.0.0.1', 1)).toEqual({ ok: true });
    clock += 40_000;
    expect(b.take('10.0.0.1', 2)).toEqual({ ok: true });
  });

  it('bounds all senders together', () => {
    const b = budget();
    expect(b.take('a', 3)).toEqual({ ok: true });
    expect(b.take('b', 2)).toEqual({ ok: true });
    expect(b.take('c', 1)).toMatchObject({ ok: false, retryAfterSeconds: 60, why: 'rate limit: at most 5 new recoveries a minute in all' });
  });

  it('refuses a batch larger than any minute allows', () => {
    expect(budget().take('a', 4)).toMatchObject({ ok: false, why: 'this batch would start 4 recoveries; at most 3 new recoveries a minute from one sender' });
  });
});
