import { useEffect, useRef, useState } from 'react';
import type { EntryList, PlanEntry } from '../../engine/types.js';
import type { InterruptSignal, LockWait } from '../../common/errors.js';
import type { Plan, Session } from '../../sync/session.js';
import type { UndoTarget } from '../../storage/undo-file.js';

export type ApplyResult =
  | { kind: 'done'; entries: EntryList; undoPath: string | undefined }
  /** `signal`: stopped by a signal rather than the operator's Ctrl+C and y */
  | { kind: 'aborted'; signal: InterruptSignal | undefined }
  | { kind: 'failed'; error: unknown };

export interface Applying {
  done: number;
  total: number;
  /** the last lesson written */
  latest: PlanEntry | undefined;
  /** lessons prod rejected so far */
  errors: PlanEntry[];
  /** what apply waits for now, if anything */
  lockWait: LockWait | undefined;
  aborting: boolean;
  /** rolls back; a signal name when a signal (not the operator's keys) asked */
  abort: (signal?: InterruptSignal) => void;
}

/** Runs the one apply transaction once, and follows it through the session's events. */
export function useApply(session: Session, plan: Plan, options: { undo?: UndoTarget }, onDone: (result: ApplyResult) => void): Applying {
  const controller = useRef(new AbortController());
  const stoppedBy = useRef<InterruptSignal | undefined>(undefined);
  const [progress, setProgress] = useState({ done: 0, total: plan.summary.created + plan.summary.updated });
  const [latest, setLatest] = useState<PlanEntry>();
  const [errors, setErrors] = useState<PlanEntry[]>([]);
  const [lockWait, setLockWait] = useState<LockWait>();
  const [aborting, setAborting] = useState(false);

  useEffect(() => {
    const unsubscribe = session.subscribe((event) => {
      if (event.type === 'lock-wait') setLockWait(event.wait);
      else if (event.type === 'written') {
        setLockWait(undefined);
        setProgress({ done: event.done, total: event.total });
        if (event.latest) setLatest(event.latest);
      } else if (event.type === 'lesson-failed') setErrors((list) => [...list, event.entry]);
    });
    const { signal } = controller.current;
    session
      .apply(plan, { signal, signalName: () => stoppedBy.current ?? 'SIGINT', undo: options.undo })
      .then(
        (outcome) => onDone({ kind: 'done', entries: outcome.entries, undoPath: outcome.undoPath }),
        (error: unknown) => onDone(signal.aborted ? { kind: 'aborted', signal: stoppedBy.current } : { kind: 'failed', error }),
      )
      .finally(unsubscribe);
    return unsubscribe;
  }, []);

  const abort = (signal?: InterruptSignal) => {
    if (controller.current.signal.aborted) return;
    stoppedBy.current = signal;
    setAborting(true);
    controller.current.abort();
  };
  return { ...progress, latest, errors, lockWait, aborting, abort };
}
