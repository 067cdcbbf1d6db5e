/** Wraps a metric's collect callback so a failed read is logged, not thrown at the scraper. */
export type Guard = (what: string, collect: () => Promise<void>) => () => Promise<void>;

/** One call shared by all who ask while it runs; the next scrape calls again. */
export function sharedPerScrape<T>(load: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  return () => {
    running ??= load().finally(() => {
      running = null;
    });
    return running;
  };
}
