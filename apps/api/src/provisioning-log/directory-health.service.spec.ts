import { stateOf, StateInputs } from './directory-health.service';

const now = new Date('2026-12-03T12:00:00.000Z');
const minutesAgo = (n: number): Date => new Date(now.getTime() - n * 60_000);
const inputs = (o: Partial<StateInputs>): StateInputs => ({
  everConnected: true,
  lastRequestAt: minutesAgo(1),
  lastHour: { failures: 0, successes: 10 },
  latestOutcome: 'success',
  ...o,
});

describe('stateOf (the health rules, in order)', () => {
  it.each<[string, Partial<StateInputs>, string]>([
    ['no request ever', { everConnected: false, lastRequestAt: null, latestOutcome: null }, 'never-connected'],
    ['silent for more than a day', { lastRequestAt: minutesAgo(24 * 60 + 1) }, 'idle'],
    ['silent for just under a day', { lastRequestAt: minutesAgo(24 * 60 - 1), lastHour: { failures: 0, successes: 0 } }, 'healthy'],
    ['3 failures, as many as successes, latest failed', { lastHour: { failures: 3, successes: 3 }, latestOutcome: 'failure' }, 'failing'],
    ['3 failures, more successes', { lastHour: { failures: 3, successes: 4 }, latestOutcome: 'failure' }, 'degraded'],
    ['2 failures only', { lastHour: { failures: 2, successes: 0 }, latestOutcome: 'failure' }, 'degraded'],
    ['many failures but the latest succeeded', { lastHour: { failures: 9, successes: 1 }, latestOutcome: 'success' }, 'degraded'],
    ['one failure', { lastHour: { failures: 1, successes: 10 } }, 'degraded'],
    ['no failure', {}, 'healthy'],
  ])('%s: %s', (_name, o, expected) => {
    expect(stateOf(inputs(o), now)).toBe(expected);
  });
});
