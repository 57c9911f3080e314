import { useRef, useState } from 'react';
import { isWrite, type EntryList } from '../../engine/types.js';

export interface LessonChoice {
  /** the entry at this position will be written when the plan is applied */
  isChosen: (index: number) => boolean;
  /** positions left out, one byte a lesson: a million lessons cost a megabyte, not objects */
  leftOut: () => Uint8Array;
  /** how many creates and updates are left out; changes on every toggle (the redraw clock) */
  count: number;
  /** false when the lesson has nothing to write */
  toggle: (entries: EntryList, index: number) => boolean;
  /** leaves out every create/update of these positions when all are chosen, else chooses them all */
  toggleAll: (entries: EntryList, indexes: readonly number[] | null) => void;
}

/** The operator's choice in the wizard: every create and update starts chosen (SPEC §10). */
export function useSelection(): LessonChoice {
  const bits = useRef(new Uint8Array(0));
  const [count, setCount] = useState(0);
  const sized = (length: number) => {
    if (bits.current.length < length) {
      const grown = new Uint8Array(length);
      grown.set(bits.current);
      bits.current = grown;
    }
    return bits.current;
  };
  return {
    isChosen: (index) => bits.current[index] !== 1,
    leftOut: () => bits.current,
    count,
    toggle(entries, index) {
      if (!isWrite(entries.at(index))) return false;
      const b = sized(entries.length);
      b[index] = b[index] === 1 ? 0 : 1;
      setCount((n) => n + (b[index] === 1 ? 1 : -1));
      return true;
    },
    toggleAll(entries, indexes) {
      const b = sized(entries.length);
      const positions: number[] = [];
      const count = indexes ? indexes.length : entries.length;
      for (let k = 0; k < count; k++) {
        const i = indexes ? indexes[k]! : k;
        if (isWrite(entries.at(i))) positions.push(i);
      }
      const leaveOut = positions.every((i) => b[i] !== 1);
      let delta = 0;
      for (const i of positions) {
        if ((b[i] === 1) !== leaveOut) delta += leaveOut ? 1 : -1;
        b[i] = leaveOut ? 1 : 0;
      }
      setCount((n) => n + delta);
    },
  };
}
