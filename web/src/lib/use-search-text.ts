/**
 * A search box bound to a URL search param: what is typed goes to `commit` 300 ms after the last
 * keystroke (or at once through `go`, for Enter and clear), and a change of the param from
 * elsewhere (a view link, back) replaces what is typed.
 */
import { useEffect, useRef, useState } from 'react';

export function useSearchText(q: string | undefined, commit: (value: string | undefined) => void, delayMs = 300) {
  const [text, setText] = useState(q ?? '');
  // What this box last put in the URL: only a change from elsewhere replaces what is typed.
  const sent = useRef(q);
  useEffect(() => {
    if (q === sent.current) return;
    sent.current = q;
    setText(q ?? '');
  }, [q]);
  const go = (value: string) => {
    sent.current = value.trim() || undefined;
    commit(sent.current);
  };
  useEffect(() => {
    if (text.trim() === (q ?? '')) return;
    const timer = setTimeout(() => go(text), delayMs);
    return () => clearTimeout(timer);
  }, [text, q]);
  return { text, setText, go };
}
