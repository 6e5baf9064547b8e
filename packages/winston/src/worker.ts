import { parentPort } from 'node:worker_threads';
import { createWorkerStream, type LogferryError } from '@logferry/core';
import type { Writable } from 'node:stream';

export interface WinstonWorkerData {
  options: Record<string, unknown>;
  winstonLevels: Record<string, number>;
}

/** Runs in the worker thread: the core pipeline behind thread-stream, errors posted back to the transport. */
export default async function winstonWorker(data: WinstonWorkerData): Promise<Writable> {
  const onError = (error: LogferryError): void => {
    parentPort?.postMessage({ code: 'EVENT', name: 'logferry:error', args: [{ code: error.code, message: error.message }] });
  };
  return createWorkerStream(data.options, { levels: { winstonLevels: data.winstonLevels }, messageKey: 'message', onError });
}
