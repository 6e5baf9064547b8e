/** What the logger does at each page lifecycle event. */
export interface PageHandlers {
  hidden(): void;
  visible(): void;
  /** pagehide: the page may be gone after this returns. */
  unload(): void;
  /** pageshow with `persisted`: back from the back/forward cache. */
  restored(): void;
}

/** Listens to the page's lifecycle; returns the removal. */
export function watchPage(h: PageHandlers): () => void {
  const onVisibility = (): void => (document.visibilityState === 'hidden' ? h.hidden() : h.visible());
  const onHide = (): void => h.unload();
  const onShow = (event: PageTransitionEvent): void => {
    if (event.persisted) h.restored();
  };
  document.addEventListener('visibilitychange', onVisibility);
  addEventListener('pagehide', onHide);
  addEventListener('pageshow', onShow);
  return () => {
    document.removeEventListener('visibilitychange', onVisibility);
    removeEventListener('pagehide', onHide);
    removeEventListener('pageshow', onShow);
  };
}

/** `window.onerror` and `unhandledrejection`, as an error and its origin; returns the removal. */
export function watchErrors(log: (error: unknown, fields: Record<string, unknown>) => void): () => void {
  const onError = (event: ErrorEvent): void => {
    log(event.error ?? event.message, { source: 'window.onerror', file: event.filename, line: event.lineno, column: event.colno });
  };
  const onRejection = (event: PromiseRejectionEvent): void => log(event.reason, { source: 'unhandledrejection' });
  addEventListener('error', onError);
  addEventListener('unhandledrejection', onRejection);
  return () => {
    removeEventListener('error', onError);
    removeEventListener('unhandledrejection', onRejection);
  };
}
