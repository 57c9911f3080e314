import { useInput } from 'ink';
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
  useInput(router.dispatch);
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
