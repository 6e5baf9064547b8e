// What runs in a browser as it does on a server: the layers under node/ and
// transport/, free of Node's built-ins and globals (lint enforces it).
// @logferry/browser bundles this entry (`@logferry/core/portable`) instead of copying its rules.
export { DatamixSink } from './protocols/datamix/datamixSink.js';
export { sessionFrom, type DatamixSession, type SessionOutcome, type SessionSource } from './protocols/datamix/session.js';
export type { SendResult } from './protocols/sink.js';
export { ServerClock } from './record/timeWindow.js';
export { RecordQueue, type WhenFull } from './pipeline/recordQueue.js';
export { sendWithRetry, type RetryHooks, type RetryOutcome } from './pipeline/retry.js';
export type { RetryPolicy } from './pipeline/retrySchedule.js';
export { Intake, type LogEntry } from './intake/intake.js';
export { levelMapFor, LevelMap, DATAMIX_LEVELS, type DatamixLevel } from './record/levels.js';
export { textOf, type LogInput, type LogRecord } from './record/record.js';
export { utf8 } from './record/utf8.js';
export { checkUrl } from './options/urlPolicy.js';
export type { DatamixSinkOptions } from './options/options.js';
export { LogferryError, type LogferryErrorCode } from './errors/logferryError.js';
export { NetworkError, type Http, type HttpResponse, type PostOptions } from './transport/http.js';
