/** A value that follows `value` once it has stopped changing for `delayMs`: typing asks the API once per pause, not per key. */
import { useEffect, useState } from 'react';

export function useDebounced<T>(value: T, delayMs: number, same: (a: T, b: T) => boolean = Object.is): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (same(settled, value)) return;
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs, settled, same]);
  return settled;
}
