import {
  formatBarLabel,
  formatElapsed,
  formatProgressLine,
  percentDone,
  ProgressLineThrottle,
  type ProgressSnapshot,
} from './progress-lines';

const snapshot = (overrides: Partial<ProgressSnapshot> = {}): ProgressSnapshot => ({
  state: 'Processing',
  processed: 0,
  total: 200,
  failed: 0,
  ...overrides,
});

describe('progress lines', () => {
  it('rounds the percentage down, so that 100% means every image is done', () => {
    expect(percentDone({ processed: 1999, total: 2000 })).toBe(99);
    expect(percentDone({ processed: 2000, total: 2000 })).toBe(100);
    expect(percentDone({ processed: 0, total: 0 })).toBe(100);
  });

  it('shows elapsed time as minutes and seconds, with hours once past an hour', () => {
    expect(formatElapsed(7_400)).toBe('0:07');
    expect(formatElapsed(725_000)).toBe('12:05');
    expect(formatElapsed(3_723_000)).toBe('1:02:03');
  });

  it('writes a line with the time, state, counts and failures', () => {
    expect(formatProgressLine(snapshot({ processed: 80, failed: 3 }), 12_000)).toBe(
      '[0:12] Processing: 80/200 images (40%), 3 failed',
    );
  });

  it('labels the bar with the time left only while there is something to estimate', () => {
    expect(formatBarLabel(snapshot({ processed: 80, failed: 3 }), 95)).toBe(
      '40% | 80/200 images | 3 failed | about 1:35 left',
    );
    expect(formatBarLabel(snapshot(), 95)).toBe('0% | 0/200 images | 0 failed');
    expect(formatBarLabel(snapshot({ state: 'Completed', processed: 200 }), 0)).toBe(
      '100% | 200/200 images | 0 failed',
    );
  });

  describe('ProgressLineThrottle', () => {
    it('prints the first state, every change of state and the end', () => {
      const throttle = new ProgressLineThrottle(10, 30_000);

      expect(throttle.shouldPrint(snapshot({ state: 'Pending' }), 0)).toBe(true);
      expect(throttle.shouldPrint(snapshot({ state: 'Pending' }), 1_000)).toBe(false);
      expect(throttle.shouldPrint(snapshot({ state: 'Processing' }), 2_000)).toBe(true);
      expect(throttle.shouldPrint(snapshot({ state: 'Completed', processed: 200 }), 3_000)).toBe(
        true,
      );
    });

    it('prints progress when it crosses a 10% mark, not for each image', () => {
      const throttle = new ProgressLineThrottle(10, 30_000);
      const printedAt = [1, 5, 19, 20, 21, 39, 41, 45].filter((processed, second) =>
        throttle.shouldPrint(snapshot({ processed }), second * 1000),
      );

      expect(printedAt).toEqual([1, 20, 41]);
    });

    it('prints slow progress after a quiet spell, and nothing while nothing moves', () => {
      const throttle = new ProgressLineThrottle(10, 30_000);
      throttle.shouldPrint(snapshot({ processed: 1 }), 0);

      expect(throttle.shouldPrint(snapshot({ processed: 2 }), 29_999)).toBe(false);
      expect(throttle.shouldPrint(snapshot({ processed: 2 }), 30_000)).toBe(true);
      expect(throttle.shouldPrint(snapshot({ processed: 2 }), 90_000)).toBe(false);
    });
  });
});
