/**
 * Runs `task` for each item with at most `limit` in flight, pulling items only as slots free
 * up, so a walk of 100 000 files holds `limit` of them at a time. `task` must not reject.
 */
export async function forEachBounded<T>(
  items: AsyncIterable<T> | Iterable<T>,
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const running = new Set<Promise<void>>();
  for await (const item of items) {
    const run: Promise<void> = task(item).finally(() => running.delete(run));
    running.add(run);
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
}
