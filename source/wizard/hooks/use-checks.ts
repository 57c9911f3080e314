import { useEffect, useState } from 'react';
import type { OpenOptions } from '../../core/operation.js';
import { Session, type CheckEvent, type CheckId, type Targets } from '../../sync/session.js';

export const CHECK_IDS: readonly CheckId[] = ['sandbox', 'prod', 'same-database', 'schema'];

/** Where one check stands: the last event it sent, or pending before its first. */
export type CheckState = { id: CheckId; status: 'pending' } | CheckEvent;

export interface Checks {
  states: Record<CheckId, CheckState>;
  /** set once every check passed; handed over to the caller with onOpened */
  ready: boolean;
  error: unknown;
  retry: () => void;
}

const pending = () => Object.fromEntries(CHECK_IDS.map((id) => [id, { id, status: 'pending' }])) as Record<CheckId, CheckState>;

/** Opens the session (connect, tell the databases apart, check both schemas), check by check. */
export function useChecks(targets: Targets, connect: OpenOptions | undefined, onOpened: (session: Session) => void): Checks {
  const [states, setStates] = useState(pending);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setStates(pending());
    setError(undefined);
    setReady(false);
    Session.open(
      targets,
      (event) => {
        if (!cancelled && event.type === 'check') setStates((prev) => ({ ...prev, [event.id]: event }));
      },
      connect,
    ).then(
      (session) => {
        if (cancelled) {
          void session.close();
          return;
        }
        onOpened(session);
        setReady(true);
      },
      (failure: unknown) => {
        if (cancelled) return;
        // a check that never started because an earlier one failed stays pending
        setStates((prev) => {
          const next = { ...prev };
          for (const id of CHECK_IDS) if (next[id].status === 'running') next[id] = { id, status: 'failed', error: failure };
          return next;
        });
        setError(failure);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  return { states, ready, error, retry: () => setAttempt((a) => a + 1) };
}
