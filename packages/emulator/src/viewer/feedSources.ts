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

/** An Initial State value's level: the log event's `LEVEL ` prefix; a field's value is info. */
function levelOfValue(v: string | number | boolean): string {
  return typeof v === 'string' ? (LEVEL_WORD.exec(v)?.[1]?.toLowerCase() ?? 'info') : 'info';
}

/* Every record kind the emulator keeps; another API's records join the page with one more entry here. */
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
      return { kind: 'initialstate', target: e.b, level: levelOfValue(e.v), time: e.e * 1000, signal: e.sn, message: String(e.v), receivedAt: e.receivedAt };
    },
  },
  {
    read: (s) => ({ list: s.initialStateEvents.events, total: s.initialStateEvents.received }),
    row: (item) => {
      const e = item as StateSources['initialStateEvents']['events'][number];
      return {
        kind: 'initialstate-events',
        target: e.bucketKey,
        level: levelOfValue(e.value),
        time: e.epoch * 1000,
        signal: e.key,
        message: String(e.value),
        receivedAt: e.receivedAt,
      };
    },
  },
];
