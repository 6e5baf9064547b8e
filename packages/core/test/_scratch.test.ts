import { it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseOptions } from '../src/options.js';
import { Spool, readSpool } from '../src/spool.js';
import { safeStringify, formatRecordText } from '../src/messageText.js';
import { parsePinoLineFast, parseLineSlow } from '../src/pinoLine.js';
import { LevelMap } from '../src/levels.js';
import { uuidV5 } from '../src/bucketId.js';

function tryOpt(o: unknown) { try { parseOptions(o, {}); return 'ok'; } catch (e) { return `${(e as {code:string}).code}: ${(e as Error).message}`; } }
it('scratch', async () => {
  console.log(tryOpt({ sink: { type: 'datamix', apiKey: 'super-secret-key-123', sessions: 'abc' } }));
  console.log(tryOpt({ sink: { type: 'datamix', apiKey: 12345 } }));
  console.log(tryOpt({ sink: { type: 'datamix', apiKey: 'k' }, bogus: 1 }));
  console.log(tryOpt({ sink: { type: 'datamix', apiKey: 'k', bogus: 1 } }));
  console.log(tryOpt({ sink: { type: 'datamix', apiKey: 'k' }, batch: { maxEvents: 'x' } }));
  console.log(tryOpt({ sink: { type: 'initialstate', clientKey: 'k', bucketName: 'x'.repeat(201) } }));
  console.log(tryOpt({ sink: { type: 'datamix' } }));
  console.log(tryOpt({ sink: { type: 'nope', apiKey: 'super-secret-key-123' } }));
  console.log(tryOpt({ sink: { type: 'datamix', apiKey: 'k', url: 'http://example.com' } }));
  console.log(tryOpt({ sink: { type: 'datamix', apiKey: 'k', url: 'http://[::1]:8080' } }));
  console.log(tryOpt({ sink: { type: 'datamix', apiKey: 'k', url: 'ftp://localhost' } }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lf-'));
  const p = path.join(dir, 's.ndjson');
  const s = new Spool(p, 1e6);
  s.append([{ level: 'info', time: 1, text: 'a', seq: 1, bytes: 1 }]);
  s.flushSync();
  console.log('after flushSync', fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : 'NOFILE');
  s.close();
  console.log('after close', fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : 'NOFILE');
  await new Promise((r) => setTimeout(r, 100));
  console.log('after 100ms', fs.readFileSync(p, 'utf8'));
  try { console.log(safeStringify(Object(1n))); } catch (e) { console.log('THROWS', (e as Error).message); }
  const o = { x: 1 };
  console.log(safeStringify({ a: o, b: o }));
  const lm = new LevelMap({ pinoLevels: { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } });
  for (const line of ['{"level":30,"time":1,"a":1,"msg":""}', '{"level":30,"time":1,"message":"hi"}', '{"level":30,"time":1,"timestamp":5,"msg":"x"}', '{"level":30,"time":1,"__proto__":{"a":1},"msg":"x"}']) {
    console.log(JSON.stringify(parsePinoLineFast(line, lm, 'msg')?.text), JSON.stringify(parseLineSlow(line, lm, 'text', 'msg', 0)?.text));
  }
  console.log(formatRecordText(JSON.parse('{"__proto__":{"a":1},"msg":"x"}') as Record<string, unknown>, 'text'));
  console.log(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'));
});
