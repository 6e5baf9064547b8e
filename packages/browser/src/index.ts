export { createBrowserLogger } from './logger.js';
export { transmit, type PinoLogEvent, type TransmitOptions } from './transmit.js';
export type { BrowserLogger, BrowserLoggerOptions, BrowserStats, Level, SessionAnswer } from './types.js';
