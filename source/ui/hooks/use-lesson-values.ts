import { useEffect, useState } from 'react';
import type { LessonValues } from '../../db/read.js';
import type { PlanEntry } from '../../engine/types.js';
import type { Session } from '../../session.js';

export type LessonValuesState = { status: 'idle' | 'loading' } | { status: 'done'; values: LessonValues } | { status: 'failed'; error: unknown };

type Loaded = { entry: PlanEntry; state: LessonValuesState };

/** The rows of the lesson whose details are open, read then (one query a side), never held for every lesson. */
export function useLessonValues(session: Session | undefined, entry: PlanEntry | undefined): LessonValuesState {
  const [loaded, setLoaded] = useState<Loaded>();
  useEffect(() => {
    if (!session || !entry) return;
    let current = true;
    session.lessonValues(entry).then(
      (values) => current && setLoaded({ entry, state: { status: 'done', values } }),
      (error: unknown) => current && setLoaded({ entry, state: { status: 'failed', error } }),
    );
    return () => {
      current = false;
    };
  }, [session, entry]);
  if (!session || !entry) return { status: 'idle' };
  // another lesson's values never show under this one's header, not even for one frame
  return loaded?.entry === entry ? loaded.state : { status: 'loading' };
}
