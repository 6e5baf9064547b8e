import { parentPort } from 'node:worker_threads';
import { createWorkerStream, type LogferryError, type WorkerStream } from '@logferry/core';
import { errorEvent, isStatsRequest, statsEvent } from './workerMessages.js';
import { readerSetup } from './wire.js';

export interface WinstonWorkerData {
  options: Record<string, unknown>;
  winstonLevels: Record<string, number>;
}

/** Runs in the worker thread: the core pipeline behind thread-stream, errors and stats posted back to the transport. */
export default async function winstonWorker(data: WinstonWorkerData): Promise<WorkerStream> {
  const onError = (error: LogferryError): void => {
    parentPort?.postMessage(errorEvent({ code: error.code, message: error.message }));
  };
  const stream = await createWorkerStream(data.options, { ...readerSetup(data.winstonLevels), onError });
  parentPort?.on('message', (message: unknown) => {
    if (isStatsRequest(message)) parentPort?.postMessage(statsEvent(message.id, stream.stats()));
  });
  return stream;
}
