import { useInput, useStdin } from 'ink';
import { createContext, useContext, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

type Handler = Parameters<typeof useInput>[0];
type HandlerRef = { current: Handler };

interface Router {
  add(handler: HandlerRef): () => void;
  dispatch: Handler;
}

function createRouter(): Router {
  const handlers = new Set<HandlerRef>();
  return {
    add(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    dispatch(input, key) {
      for (const handler of [...handlers]) handler.current(input, key);
    },
  };
}

const RouterContext = createContext<Router | undefined>(undefined);

/**
 * Printable characters only, a few: what a fast typist sends in one read. A longer run is
 * a paste, for the field that has focus: one edit, not a render per character.
 */
const TYPED_AHEAD = /^[^\u0000-\u001f\u007f-\u009f]{2,32}$/u;

/**
 * One stdin subscription for the whole wizard, made once. Ink's useInput subscribes in a
 * passive effect, after the frame is drawn: a key typed right after a redraw (a field that
 * just got focus, a step that just appeared) would reach no handler, or the previous one.
 * Handlers below register in layout effects instead, which run before the frame is written.
 *
 * Keys are handed over one at a time, each once what the one before it changed has been
 * rendered: keys that come in one burst (a held PgDn, "Space ↓ Space" typed fast, a paste)
 * each see the state the previous one left, not all the same stale one.
 */
export function KeyRouter({ children }: { children: ReactNode }) {
  const [router] = useState(createRouter);
  // Ink names both Backspace (\x7f) and Delete (ESC [3~) `delete`: the raw input tells them
  // apart, noted before Ink's own listener (a layout effect runs before useInput's effect)
  const { internal_eventEmitter: input } = useStdin();
  const raw = useRef('');
  useLayoutEffect(() => {
    const note = (data: unknown) => void (raw.current = String(data));
    input.on('input', note);
    return () => void input.removeListener('input', note);
  }, [input]);
  const queue = useRef<Parameters<Handler>[]>([]);
  const [turn, setTurn] = useState(0);
  const deliver = () => {
    const next = queue.current[0];
    if (!next) return;
    try {
      router.dispatch(...next);
    } finally {
      // a handler that threw still lets the keys after it through (Ctrl+C among them)
      setTurn((t) => t + 1);
    }
  };
  // the key just delivered has been rendered, every handler is fresh: the next one may go
  useLayoutEffect(() => {
    if (!turn) return;
    queue.current.shift();
    if (queue.current.length) queueMicrotask(deliver);
  }, [turn]);
  useInput((text, key) => {
    const forward = raw.current.includes('\u001b[3~');
    const named = key.delete && !forward ? { ...key, delete: false, backspace: true } : key;
    // letters typed ahead in one read ("nn" in the review) are keys each, as typed
    const keys: Parameters<Handler>[] = TYPED_AHEAD.test(text) && !key.ctrl && !key.meta ? [...text].map((char) => [char, named]) : [[text, named]];
    queue.current.push(...keys);
    if (queue.current.length === keys.length) deliver();
  });
  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

/** Key handling for a component inside a KeyRouter: runs the handler of the latest render, from the commit that renders it. */
export function useKeys(handler: Handler, options?: { isActive?: boolean }): void {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useKeys needs a KeyRouter above it');
  const latest = useRef(handler);
  latest.current = handler;
  const active = options?.isActive !== false;
  useLayoutEffect(() => (active ? router.add(latest) : undefined), [router, active]);
}
