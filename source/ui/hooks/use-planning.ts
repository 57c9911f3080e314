import { useEffect, useRef, useState } from 'react';
import type { Filters } from '../../config.js';
import { EVERY_LESSON, type Selection } from '../../engine/selection.js';
import type { EntryList } from '../../engine/types.js';
import type { Plan, PlanStage, Session } from '../../session.js';
import type { SavedPlan } from '../../saved-plan.js';
import { addCounts, emptyCounts, type Counts } from '../plan-view.js';

export interface Planning {
  stage: PlanStage | 'done' | 'failed';
  /** grows while planning (the session's own list); drawn from, never copied */
  entries: EntryList;
  /** entries.length at the last redraw: the redraw clock */
  count: number;
  /** lessons to plan, once the sandbox was read */
  total: number;
  counts: Counts;
  plan: Plan | undefined;
  error: unknown;
}

/** Redraws at most this often while lessons stream in. */
export const REDRAW_MS = 100;

/**
 * Plans with the session (from a saved plan, when given) and exposes the lessons as they
 * come, redrawing at a throttled pace.
 */
export function usePlanning(session: Session | undefined, filters: Filters, selection: Selection = EVERY_LESSON, saved?: SavedPlan): Planning {
  const entries = useRef<EntryList>([]);
  const counts = useRef<Counts>(emptyCounts());
  const [state, setState] = useState<Omit<Planning, 'entries'>>({
    stage: 'reading-sandbox',
    count: 0,
    total: 0,
    counts: emptyCounts(),
    plan: undefined,
    error: undefined,
  });

  useEffect(() => {
    if (!session) return;
    let cancelled = false;
    let timer: NodeJS.Timeout | undefined;
    entries.current = [];
    counts.current = emptyCounts();
    const flush = () => {
      timer = undefined;
      if (!cancelled) setState((s) => ({ ...s, count: entries.current.length, counts: counts.current }));
    };
    const unsubscribe = session.subscribe((event) => {
      if (cancelled) return;
      if (event.type === 'stage') setState((s) => ({ ...s, stage: event.stage, total: event.lessons ?? s.total }));
      else if (event.type === 'planned') {
        entries.current = event.all;
        counts.current = addCounts(counts.current, event.entries);
        timer ??= setTimeout(flush, REDRAW_MS);
      }
    });
    (saved ? session.planFromSaved(saved) : session.plan(filters, selection))
      .then(
        (plan) => {
          if (timer) clearTimeout(timer);
          if (!cancelled) {
            setState((s) => ({ ...s, stage: 'done', plan, count: entries.current.length, counts: counts.current }));
          }
        },
        (error: unknown) => {
          if (timer) clearTimeout(timer);
          if (!cancelled) setState((s) => ({ ...s, stage: 'failed', error }));
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
