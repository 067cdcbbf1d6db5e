import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

/** What one case of an HTTP bench measured, over all its slices. */
export interface Measured {
  requests: number;
  seconds: number;
  /** Every answer's time in milliseconds. */
  latencies: number[];
}

export interface LoadTarget {
  url: string;
  /** The one status every answer must have. */
  status: number;
  /** Headers of every request, or one request per entry, taken in turn. */
  headers?: Record<string, string>;
  requests?: autocannon.Request[];
}

/** `amount` requests over `connections` keep-alive connections (autocannon); any answer but `status` stops the run. */
export async function load(target: LoadTarget, connections: number, amount: number): Promise<Measured> {
  const latencies: number[] = [];
  let unexpected: number | undefined;
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        connections,
        amount,
        ...(target.headers && { headers: target.headers }),
        ...(target.requests && { requests: target.requests }),
        // A stalled answer is a failure to see, not to wait out.
        timeout: 10,
      },
      (err, done) => (err ? reject(err) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode !== target.status) unexpected ??= statusCode;
      latencies.push(responseTime);
    });
  });
  const seconds = (performance.now() - started) / 1000;
  if (unexpected !== undefined) throw new Error(`${target.url} answered ${unexpected}, not ${target.status}`);
  if (result.errors > 0 || result.timeouts > 0)
    throw new Error(`${target.url}: ${result.errors} errors, ${result.timeouts} timeouts`);
  return { requests: latencies.length, seconds, latencies };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}
