// The public API: what users and logferry's own packages (pino, winston, cli) use. Everything else is internal.
export { createClient, createClientFromResolved, type ClientOptions, type NodeClientHooks } from './node/createClient.js';
export type { Client, ClientHooks } from './pipeline/client.js';
// optionsSchema: the CLI derives its flags from it, so every option gets a flag with no CLI change.
export { optionsSchema, parseOptions, type LogferryOptionsInput, type LogferryOptions, type ParsedOptions, type ResolvedOptions } from './options/options.js';
export { LogferryError, type LogferryErrorCode } from './errors/logferryError.js';
export { errorLine } from './errors/errorLine.js';
export { writeErrorLine } from './node/stderrLine.js';
export { timeOf } from './record/time.js';
export { LevelMap, levelMapFor, type DatamixLevel } from './record/levels.js';
export { safeStringify, setField } from './record/messageText.js';
export { uuidV5 } from './protocols/initialstate/bucketId.js';
export { replaySpool, type ReplayResult, type ReplayProgress } from './node/replay.js';
export { installSignalHandlers } from './node/signals.js';
export { createBrowserSession, type BrowserSession } from './node/browserSession.js';
export { browserSessionHandler, type BrowserSessionHandlerOptions, type BrowserSessionAnswer, type SessionResponse } from './node/browserSessionHandler.js';
export { createWorkerStream, type WorkerStream, type WorkerStreamSetup } from './node/workerStream.js';
export type { Stats } from './pipeline/stats.js';
export type { LogInput, LogRecord } from './record/record.js';
export { probe, type ProbeResult } from './node/probe.js';
