import { MAX_ATTEMPTS, retryDelayMs } from './transactions';

describe('the retry budget of Transactions (deadlocks and Galera certification failures)', () => {
  it('waits a random time that grows with the retry, capped at 250 ms', () => {
    expect(retryDelayMs(1, () => 1)).toBe(20);
    expect(retryDelayMs(3, () => 1)).toBe(80);
    expect(retryDelayMs(10, () => 1)).toBe(250);
    expect(retryDelayMs(5, () => 0.5)).toBe(125);
  });

  it('may retry at once (full jitter), so racing retries spread over the whole window', () => {
    expect(retryDelayMs(4, () => 0)).toBe(0);
  });

  it('is bounded: a handful of attempts, not an endless loop', () => {
    expect(MAX_ATTEMPTS).toBeGreaterThan(1);
    expect(MAX_ATTEMPTS).toBeLessThanOrEqual(10);
  });
});
