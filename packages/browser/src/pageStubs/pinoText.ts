// The page build's stand-in for core's pino span text (record/pinoText.ts): only a scanned
// pino line has spans, and a page never scans one (see build.mjs).
export const pinoText = (): string => '';
export const pinoJsonLength = (): number => 0;
