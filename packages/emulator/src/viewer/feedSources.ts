import type { StateSources } from '../state.js';

/** One row the viewer shows: plain data, never a key or a token. */
export interface ViewerRecord {
  /** Which API and kind it is ('datamix', 'initialstate', …): the viewer groups and colours by it. */
  kind: string;
  /** A Datamix destination or an Initial State bucket. */
  target: string;
  level: string;
  /** The record's own time, ms since the epoch. */
  time: number;
  /** Initial State: the signal (field) name. */
  signal?: string;
  message: string;
  receivedAt: number;
}

/** A list of the inspection state the viewer follows: where it is, how many ever arrived, and how a row looks. */
export interface FeedSource {
  read(sources: StateSources): { list: readonly unknown[]; total: number };
  row(item: unknown): ViewerRecord;
}

const LEVEL_WORD = /^(DEBUG|INFO|WARN|ERROR|FATAL) /;

/*
 * Every record kind the emulator keeps. Another API's records (the Events
 * API's buckets, say) join the page with one more entry here.
 */
export const FEED_SOURCES: readonly FeedSource[] = [
  {
    read: (s) => ({ list: s.datamix.records, total: s.datamix.received }),
    row: (item) => {
      const r = item as StateSources['datamix']['records'][number];
      return { kind: 'datamix', target: r.destination, level: r.level, time: r.timestamp, message: r.message, receivedAt: r.receivedAt };
    },
  },
  {
    read: (s) => ({ list: s.initialState.events, total: s.initialState.received }),
    row: (item) => {
      const e = item as StateSources['initialState']['events'][number];
      const text = String(e.v);
      const level = typeof e.v === 'string' ? (LEVEL_WORD.exec(e.v)?.[1]?.toLowerCase() ?? 'info') : 'info';
      return { kind: 'initialstate', target: e.b, level, time: e.e * 1000, signal: e.sn, message: text, receivedAt: e.receivedAt };
    },
  },
];
