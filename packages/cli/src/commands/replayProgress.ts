import { SingleBar } from 'cli-progress';
import type { ReplayProgress } from '@logferry/core';

export interface ProgressView {
  update(progress: ReplayProgress): void;
  stop(): void;
}

function rateOf(done: number, startedAt: number): number {
  const seconds = (Date.now() - startedAt) / 1000;
  return seconds > 0 ? done / seconds : 0;
}

function etaText(left: number, rate: number): string {
  if (left <= 0) return '0s';
  if (rate <= 0) return '?';
  const s = Math.ceil(left / rate);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** On a terminal: one bar, redrawn in place (records sent of total, rate, ETA). */
function bar(stream: NodeJS.WriteStream): ProgressView {
  const startedAt = Date.now();
  const view = new SingleBar({
    stream,
    format: 'replay |{bar}| {value}/{total} records | {rate}/s | ETA {left}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    barsize: 24,
    hideCursor: true,
    clearOnComplete: false,
  });
  let started = false;
  return {
    update(p) {
      const payload = { rate: Math.round(rateOf(p.done, startedAt)), left: etaText(p.total - p.done, rateOf(p.done, startedAt)) };
      if (!started) {
        view.start(p.total, p.done, payload);
        started = true;
      } else view.update(p.done, payload);
    },
    stop() {
      if (started) view.stop();
    },
  };
}

/** Off a terminal (a log, CI): a plain line at most every intervalMs, and the last one always. */
function lines(stream: NodeJS.WritableStream, intervalMs: number): ProgressView {
  const startedAt = Date.now();
  let lastAt = 0;
  let last: ReplayProgress | undefined;
  let printed: ReplayProgress | undefined;
  const print = (p: ReplayProgress): void => {
    const rate = rateOf(p.done, startedAt);
    const percent = p.total > 0 ? Math.floor((p.done / p.total) * 100) : 100;
    stream.write(`replay: ${p.done}/${p.total} records (${percent}%), ${Math.round(rate)}/s, ETA ${etaText(p.total - p.done, rate)}\n`);
    lastAt = Date.now();
    printed = p;
  };
  return {
    update(p) {
      last = p;
      if (Date.now() - lastAt >= intervalMs) print(p);
    },
    stop() {
      if (last && last !== printed) print(last);
    },
  };
}

export function progressView(stream: NodeJS.WriteStream, intervalMs = 1000): ProgressView {
  return stream.isTTY ? bar(stream) : lines(stream, intervalMs);
}
