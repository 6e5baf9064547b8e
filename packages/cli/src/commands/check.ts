import { probe, type ProbeResult, type ResolvedOptions } from '@logferry/core';
import { printError, printLine } from '../output.js';

function offsetText(ms: number | undefined): string {
  if (ms === undefined) return 'unknown (no Date header)';
  const seconds = (Math.abs(ms) / 1000).toFixed(1);
  if (Math.abs(ms) < 1000) return `${ms >= 0 ? '+' : '-'}${seconds} s (within the Date header's 1 s resolution)`;
  return `${ms > 0 ? '+' : '-'}${seconds} s (the server is ${ms > 0 ? 'ahead of' : 'behind'} this machine)`;
}

/** What --expect is compared with: Datamix's destination, Initial State's bucket (the Events API's bucket key). */
function expectedAgainst(result: ProbeResult): string {
  return result.bucketKey ?? result.target;
}

function bucketText(result: ProbeResult): string {
  if (result.bucketKey !== undefined) return result.bucketKey === result.target ? `key ${result.bucketKey}` : `${result.target} (key ${result.bucketKey})`;
  return result.bucketId ? `${result.target} (id ${result.bucketId})` : result.target;
}

/**
 * `logferry check datamix|initialstate`: uses the credentials once, as the
 * transport would (a Datamix session, an Initial State bucket), and says what
 * they reach. 0: it works (and matches --expect); 1: refused, unreachable, or
 * not the expected destination. Never prints the key.
 */
export async function check(options: ResolvedOptions, expect: string | undefined): Promise<number> {
  let result: ProbeResult;
  try {
    result = await probe(options);
  } catch (error) {
    printError(error as Error & { code?: string });
    return 1;
  }
  const rows: [string, string][] = [];
  if (result.api === 'datamix') rows.push(['destination', result.target]);
  else rows.push(['bucket', bucketText(result)]);
  rows.push(['clock offset', offsetText(result.clockOffsetMs)]);
  rows.push(['round trip', `${result.roundTripMs} ms`]);
  let code = 0;
  if (expect !== undefined) {
    const actual = expectedAgainst(result);
    const matches = actual === expect;
    rows.push(['expected', matches ? `${expect}: matches` : `${expect}: does NOT match (the key reaches ${actual})`]);
    if (!matches) code = 1;
  }
  for (const [name, value] of rows) printLine(`${name.padEnd(13)}${value}`);
  return code;
}
