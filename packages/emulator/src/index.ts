export { startEmulator } from './emulator.js';
export { EmulatorError, type EmulatorErrorCode } from './errors.js';
export type { DatamixOrigin } from './cors.js';
export type {
  ApiName,
  ApiPath,
  DatamixDestinationParts,
  DatamixRecord,
  DatamixRejection,
  DatamixSessionInfo,
  DatamixView,
  Emulator,
  EmulatorFaults,
  EmulatorOptions,
  FailOptions,
  FailRateOptions,
  FaultMatch,
  InitialStateBucketInfo,
  InitialStateEvent,
  InitialStateView,
  InjectedFault,
  Violation,
  ResetOptions,
} from './types.js';
export type { InitialStateEventsBucket, InitialStateEventsEvent, InitialStateEventsOptions, InitialStateEventsView } from './initialStateEventsTypes.js';
