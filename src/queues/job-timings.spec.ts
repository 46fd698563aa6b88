import { jobRunSeconds, jobWaitSeconds } from './job-timings';

describe('job timings', () => {
  const base = { timestamp: 1_000_000, delay: 0, attemptsMade: 0 };

  it('wait is measured from when the job became due: added plus its delay', () => {
    expect(jobWaitSeconds({ ...base, processedOn: 1_000_250 })).toBeCloseTo(0.25, 12);
    expect(jobWaitSeconds({ ...base, delay: 5_000, processedOn: 1_005_100 })).toBeCloseTo(0.1, 12);
  });

  it('a retry, a job not started, or a start before the due time (clock skew) is not a lag', () => {
    expect(jobWaitSeconds({ ...base, attemptsMade: 1, processedOn: 1_900_000 })).toBeNull();
    expect(jobWaitSeconds(base)).toBeNull();
    expect(jobWaitSeconds({ ...base, delay: 1_000, processedOn: 1_000_500 })).toBe(0);
  });

  it('run time is start to finish, or start to now for an attempt left to be retried', () => {
    expect(jobRunSeconds({ ...base, processedOn: 1_000_100, finishedOn: 1_002_100 }, 9_999_999)).toBeCloseTo(2, 12);
    expect(jobRunSeconds({ ...base, processedOn: 1_000_100 }, 1_000_600)).toBeCloseTo(0.5, 12);
    expect(jobRunSeconds(base, 1_000_600)).toBeNull();
  });
});
