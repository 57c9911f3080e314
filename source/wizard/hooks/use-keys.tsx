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
 * One stdin subscription for the whole wizard, made once. Ink's useInput subscribes in a
 * passive effect, after the frame is drawn: a key typed right after a redraw (a field that
 * just got focus, a step that just appeared) would reach no handler, or the previous one.
 * Handlers below register in layout effects instead, which run before the frame is written.
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
  useInput((text, key) => {
    const forward = raw.current.includes('\u001b[3~');
    router.dispatch(text, key.delete && !forward ? { ...key, delete: false, backspace: true } : key);
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
