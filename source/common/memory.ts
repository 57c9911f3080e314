/**
 * Long batch loops leave dead JSON strings and protocol Buffers behind, and V8 lets the
 * heap grow well past the live data before it collects them. Collecting once the heap and
 * Buffers have grown by a fixed step trims the peak (300,000 lessons: 1,071 → 893 MB RSS,
 * same time); small runs never reach the step and pay nothing. V8 keeps the pages it has
 * committed, so this bounds growth, it does not give memory back.
 *
 * It needs the process started with --expose-gc (npm start, npm run demo and the bench
 * do; NODE_OPTIONS=--expose-gc for the installed bin): V8's flags are not changed at run
 * time, which Node documents as undefined behaviour. Without it V8 collects on its own.
 */

/**
 * 64 MB: with the plan in columns, a million lessons' apply lives on ~60 MB of heap and
 * ~150 MB of columns, so a collection is cheap; a step of 128 MB let it peak at 576-667 MB,
 * 64 MB at 507 MB (apply 69-71 s either way).
 */
const STEP_BYTES = 64 * 2 ** 20;
/** globalThis.gc, there when the process was started with --expose-gc */
const collector = (globalThis as { gc?: () => void }).gc;
let baseline = 0;

/** The JS heap and the Buffers outside it (pg's protocol messages). */
function inUse(): number {
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

function collect(): void {
  if (!collector) return;
  collector();
  baseline = inUse();
}

/** Inside loops that build up: collects once the heap grew a step since the last collection. */
export function collectIfGrown(): void {
  if (inUse() - baseline >= STEP_BYTES) collect();
}

/**
 * After a phase dropped what it built (the prod snapshot, the planner's maps): the heap
 * may not have grown since the last collection, yet hold hundreds of MB of garbage that an
 * idle process, waiting for the operator, would keep. Small heaps are left alone.
 */
export function collectAfterPhase(): void {
  if (inUse() >= STEP_BYTES) collect();
}
