import { useInput } from 'ink';
import { useRef } from 'react';

type Handler = Parameters<typeof useInput>[0];

/**
 * useInput that always runs the handler of the latest render. Ink draws a frame before
 * it re-subscribes the new handler, so a key typed right after a redraw would otherwise
 * meet the previous render's state.
 */
export function useKeys(handler: Handler, options?: { isActive?: boolean }): void {
  const latest = useRef(handler);
  latest.current = handler;
  useInput((input, key) => latest.current(input, key), options);
}
