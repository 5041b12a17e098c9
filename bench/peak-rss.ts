/** Runs a task while sampling this process's resident set size; returns its result, duration and peak RSS. */
export async function measurePeakRss<T>(task: () => Promise<T>, everyMs = 20): Promise<{ value: T; ms: number; peakRssMB: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  const started = Date.now();
  try {
    const value = await task();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, ms: Date.now() - started, peakRssMB: Math.round(peak / 1024 / 1024) };
  } finally {
    clearInterval(timer);
  }
}
