import { useEffect, useState } from 'react';
import type { LessonValues } from '../../db/read.js';
import type { PlanEntry } from '../../engine/types.js';
import type { Session } from '../../sync/session.js';

export type LessonValuesState = { status: 'idle' | 'loading' } | { status: 'done'; values: LessonValues } | { status: 'failed'; error: unknown };

type Loaded = { key: string; state: LessonValuesState };

/** Which rows an entry's values are: a plan's entries are made anew each time they are asked for. */
const rowsOf = (entry: PlanEntry) => `${entry.sandboxLessonId}:${entry.prodLessonId}`;

/** The rows of the lesson whose details are open, read then (one query a side), never held for every lesson. */
export function useLessonValues(session: Session | undefined, entry: PlanEntry | undefined): LessonValuesState {
  const [loaded, setLoaded] = useState<Loaded>();
  const key = entry && rowsOf(entry);
  useEffect(() => {
    if (!session || !entry || !key) return;
    let current = true;
    session.lessonValues(entry).then(
      (values) => current && setLoaded({ key, state: { status: 'done', values } }),
      (error: unknown) => current && setLoaded({ key, state: { status: 'failed', error } }),
    );
    return () => {
      current = false;
    };
  }, [session, key]);
  if (!session || !entry) return { status: 'idle' };
  // another lesson's values never show under this one's header, not even for one frame
  return loaded && loaded.key === key ? loaded.state : { status: 'loading' };
}
