/** Progress for many documents: a redrawn bar on a terminal, a plain line now and then in a log. */
import type { CliIo } from './cli-io.js';

export interface Progress {
  /** Called after each document. */
  tick(): void;
  /** Clears the bar so the summary starts on a clean line. */
  end(): void;
}

const REDRAW_MS = 100;
const LOG_EVERY_MS = 10_000;

/** `total` is known on a terminal (counted first) for the ETA; logs get count and rate only. */
export function createProgress(io: CliIo, total: number | undefined, verb: string): Progress {
  const started = io.now().getTime();
  const interval = io.stderr.isTTY ? REDRAW_MS : LOG_EVERY_MS;
  let done = 0;
  let last = started;
  let drawn = false;

  const line = (now: number): string => {
    const seconds = Math.max((now - started) / 1000, 0.001);
    const rate = done / seconds;
    const counted = total === undefined ? `${done}` : `${done}/${total}`;
    const eta = total !== undefined && rate > 0 ? ` ETA ${duration((total - done) / rate)}` : '';
    return `${verb} ${counted} ${rate.toFixed(0)}/s${eta}`;
  };

  return {
    tick() {
      done++;
      const now = io.now().getTime();
      if (now - last < interval) return;
      last = now;
      if (io.stderr.isTTY) {
        io.stderr.write(`\r${bar(done, total, io.stderr.columns)}${line(now)}\x1b[K`);
        drawn = true;
      } else {
        io.stderr.write(`${line(now)}\n`);
      }
    },
    end() {
      if (drawn) io.stderr.write('\r\x1b[K');
    },
  };
}

function bar(done: number, total: number | undefined, columns = 80): string {
  if (total === undefined || total === 0) return '';
  const width = Math.max(10, Math.min(40, columns - 50));
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor((done / total) * 100)}% `;
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
