import { useEffect, useRef, useState } from 'react';
import type { Filters } from '../../engine/types.js';
import { EVERY_LESSON, type Selection } from '../../engine/selection.js';
import type { EntryList } from '../../engine/types.js';
import type { LockWait } from '../../common/errors.js';
import type { Plan, PlanStage, Preview, Session } from '../../sync/session.js';
import type { SavedPlan } from '../../storage/plan-file.js';
import { addCounts, emptyCounts, type Counts } from '../plan-view.js';

export interface Planning {
  stage: PlanStage | 'done' | 'failed';
  /** grows while planning (the session's own list); drawn from, never copied */
  entries: EntryList;
  /** entries.length at the last redraw: the redraw clock */
  count: number;
  /** lessons to plan, once the sandbox was read */
  total: number;
  /** the entries are the plan's first lessons planned ahead (Session's Preview), this many; 0 once the plan's own come */
  previewed: number;
  counts: Counts;
  plan: Plan | undefined;
  error: unknown;
  /** a read waits for another session's lock (on either side); gone once the plan moves on */
  lockWait: LockWait | undefined;
}

/** Redraws at most this often while lessons stream in. */
export const REDRAW_MS = 100;

/**
 * The wizard's first lessons on screen while a large sandbox is read: a few screens of them,
 * from 200,000 lessons up (below, the preview's scans cost more than its wait saves).
 */
export const WIZARD_PREVIEW: Preview = { lessons: 200, whenAtLeast: 200_000 };

/**
 * Plans with the session (from a saved plan, when given) and exposes the lessons as they
 * come, redrawing at a throttled pace.
 */
export function usePlanning(
  session: Session | undefined,
  filters: Filters,
  selection: Selection = EVERY_LESSON,
  saved?: SavedPlan,
  preview: Preview = WIZARD_PREVIEW,
): Planning {
  const entries = useRef<EntryList>([]);
  const counts = useRef<Counts>(emptyCounts());
  const [state, setState] = useState<Omit<Planning, 'entries'>>({
    stage: 'reading-sandbox',
    count: 0,
    total: 0,
    previewed: 0,
    counts: emptyCounts(),
    plan: undefined,
    error: undefined,
    lockWait: undefined,
  });

  useEffect(() => {
    if (!session) return;
    let cancelled = false;
    let timer: NodeJS.Timeout | undefined;
    entries.current = [];
    counts.current = emptyCounts();
    const flush = () => {
      timer = undefined;
      if (!cancelled) setState((s) => ({ ...s, count: entries.current.length, counts: counts.current, previewed: 0, lockWait: undefined }));
    };
    const unsubscribe = session.subscribe((event) => {
      if (cancelled) return;
      if (event.type === 'lock-wait') setState((s) => ({ ...s, lockWait: event.wait }));
      else if (event.type === 'stage') setState((s) => ({ ...s, stage: event.stage, total: event.lessons ?? s.total, lockWait: undefined }));
      else if (event.type === 'preview') {
        entries.current = event.all;
        counts.current = addCounts(emptyCounts(), event.entries);
        // shown at once: it is there to be seen early
        setState((s) => ({ ...s, count: event.all.length, counts: counts.current, previewed: event.all.length, lockWait: undefined }));
      } else if (event.type === 'planned') {
        // the plan's own slices hold the preview's lessons again: its counts go
        if (entries.current !== event.all) counts.current = emptyCounts();
        entries.current = event.all;
        counts.current = addCounts(counts.current, event.entries);
        timer ??= setTimeout(flush, REDRAW_MS);
      }
    });
    (saved ? session.planFromSaved(saved) : session.plan(filters, selection, preview))
      .then(
        (plan) => {
          if (timer) clearTimeout(timer);
          if (!cancelled) {
            setState((s) => ({ ...s, stage: 'done', plan, count: entries.current.length, counts: counts.current, previewed: 0, lockWait: undefined }));
          }
        },
        (error: unknown) => {
          if (timer) clearTimeout(timer);
          if (!cancelled) setState((s) => ({ ...s, stage: 'failed', error, lockWait: undefined }));
        },
      )
      .finally(unsubscribe);
    return () => {
      cancelled = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [session]);

  return { ...state, entries: entries.current };
}
