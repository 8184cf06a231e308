import { tripsAt } from './deprovision-guard.service';

describe('the mass-deprovisioning guard rule (tripsAt)', () => {
  const defaults = { percent: 20, minimum: 10 };
  it.each([
    // count, base, trips — 50 people at 20 %: 10 is exactly 20 % and passes, 11 trips
    [10, 50, false],
    [11, 50, true],
    // a big directory: the percentage decides (20 % of 1,000 is 200)
    [200, 1000, false],
    [201, 1000, true],
    // a small one: the minimum decides (9 of 20 is 45 %, but fewer than 10)
    [9, 20, false],
    [10, 20, true],
    // an empty window base (every person created after the window began) trips at the minimum
    [10, 0, true],
    [9, 0, false],
  ])('%i deprovisions of %i people: trips %s', (count, base, trips) => {
    expect(tripsAt(count, base, defaults)).toBe(trips);
  });

  it('exactly the percentage never trips, whatever the numbers', () => {
    for (let base = 10; base <= 500; base += 7) {
      for (const percent of [1, 5, 20, 33, 50, 100]) {
        const count = (base * percent) / 100;
        if (Number.isInteger(count) && count >= 1) expect(tripsAt(count, base, { percent, minimum: 1 })).toBe(false);
      }
    }
  });

  it('100 % trips only when more people are deprovisioned than the window began with', () => {
    expect(tripsAt(50, 50, { percent: 100, minimum: 1 })).toBe(false);
    expect(tripsAt(51, 50, { percent: 100, minimum: 1 })).toBe(true);
  });
});
