import { parentPort } from 'node:worker_threads';
import { createWorkerStream, writeErrorLine, type LogferryError, type WorkerStream } from '@logferry/core';
import { errorEvent, isCloseByRequest, isStatsRequest, statsEvent } from './workerMessages.js';
import { readerSetup } from './wire.js';

export interface WinstonWorkerData {
  options: Record<string, unknown>;
  winstonLevels: Record<string, number>;
}

/**
 * Runs in the worker thread: the core pipeline behind thread-stream, errors
 * and stats posted back to the transport. Once the stream is ending, the main
 * thread is blocked in thread-stream's end() or exiting and would never see a
 * posted report: those go to fd 2 synchronously instead.
 */
export default async function winstonWorker(data: WinstonWorkerData): Promise<WorkerStream> {
  // onError may run before the stream exists (bad options): not closing then.
  let closing = (): boolean => false;
  const onError = (error: LogferryError): void => {
    if (closing()) writeErrorLine(error);
    else parentPort?.postMessage(errorEvent({ code: error.code, message: error.message }));
  };
  const created = await createWorkerStream(data.options, { ...readerSetup(data.winstonLevels), onError });
  closing = () => created.closing();
  parentPort?.on('message', (message: unknown) => {
    if (isStatsRequest(message)) parentPort?.postMessage(statsEvent(message.id, created.stats()));
    else if (isCloseByRequest(message)) created.closeBy(message.at);
  });
  return created;
}
