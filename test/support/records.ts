/** Helpers to read back what the tests logged: every record carries a sequence number `n`. */

const SEQ = /"n":(\d+)/;

/** The record's sequence number, read from the message text (`msg {"pid":..,"n":123}`); undefined when absent. */
export function seqOf(text: string): number | undefined {
  const match = SEQ.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** The same, for texts that must carry one. */
export function mustSeq(text: string): number {
  const n = seqOf(text);
  if (n === undefined) throw new Error(`no sequence number in ${JSON.stringify(text.slice(0, 200))}`);
  return n;
}

/** Sequence numbers that occur more than once, and those of 0..total-1 that never occur. */
export function onceCheck(seqs: readonly number[], total: number): { duplicates: number[]; missing: number[]; extra: number[] } {
  const counts = new Map<number, number>();
  for (const n of seqs) counts.set(n, (counts.get(n) ?? 0) + 1);
  const duplicates = [...counts].filter(([, c]) => c > 1).map(([n]) => n);
  const missing: number[] = [];
  for (let n = 0; n < total; n++) if (!counts.has(n)) missing.push(n);
  const extra = [...counts.keys()].filter((n) => n < 0 || n >= total || !Number.isInteger(n));
  return { duplicates, missing, extra };
}

/** The JSON object that follows the message in a `text`-format message (`msg {...}`). */
export function fieldsOf(text: string): Record<string, unknown> {
  const at = text.indexOf('{');
  if (at === -1) throw new Error(`no JSON fields in ${JSON.stringify(text.slice(0, 200))}`);
  return JSON.parse(text.slice(at)) as Record<string, unknown>;
}

/** Groups items by a key, keeping their order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    let group = groups.get(k);
    if (!group) {
      group = [];
      groups.set(k, group);
    }
    group.push(item);
  }
  return groups;
}

/** True when the numbers are strictly increasing. */
export function increasing(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) if ((values[i] as number) <= (values[i - 1] as number)) return false;
  return true;
}
