import { useEffect, useState } from 'react';
import type { LessonValues } from '../../db/read.js';
import type { PlanEntry } from '../../engine/types.js';
import type { Session } from '../../session.js';

export type LessonValuesState = { status: 'idle' | 'loading' } | { status: 'done'; values: LessonValues } | { status: 'failed'; error: unknown };

/** The rows of the lesson whose details are open, read then (one query a side), never held for every lesson. */
export function useLessonValues(session: Session | undefined, entry: PlanEntry | undefined): LessonValuesState {
  const [state, setState] = useState<LessonValuesState>({ status: 'idle' });
  useEffect(() => {
    if (!session || !entry) {
      setState({ status: 'idle' });
      return;
    }
    let current = true;
    setState({ status: 'loading' });
    session.lessonValues(entry).then(
      (values) => current && setState({ status: 'done', values }),
      (error: unknown) => current && setState({ status: 'failed', error }),
    );
    return () => {
      current = false;
    };
  }, [session, entry]);
  return state;
}
