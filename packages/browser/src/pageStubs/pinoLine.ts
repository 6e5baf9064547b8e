// The page build's stand-in for core's pino line scanner (intake/pinoLine.ts): a page hands
// objects only, so no line is ever scanned (see build.mjs).
export const scanPinoLine = (): undefined => undefined;
export const parseLineSlow = (): undefined => undefined;
