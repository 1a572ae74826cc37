/** Runs `task` when the browser is idle (within 2 s), or soon where requestIdleCallback is missing (Safari); returns a cancel. For work the page does not need to show itself. */
export function whenIdle(task: () => void): () => void {
  if ('requestIdleCallback' in window) {
    const handle = window.requestIdleCallback(task, { timeout: 2000 });
    return () => window.cancelIdleCallback(handle);
  }
  const handle = setTimeout(task, 50);
  return () => clearTimeout(handle);
}
