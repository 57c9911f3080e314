/**
 * What a phase cost the machine's cores, for the benchmark's notes: this process, the
 * children it waited for (a phase run as a process of its own), and a local PostgreSQL
 * server's processes. A wall time set against a floor says how far from it a phase is; the
 * CPU seconds say how near the cores let it come: work that takes C CPU-seconds on N cores
 * takes at least C / N seconds however it is spread. Linux /proc; a server on another
 * machine is not seen (its figure is then undefined).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc's CPU times, 100 on every Linux this runs on (x86-64, arm64). */
const TICKS_PER_SECOND = 100;

/** utime + stime, and cutime + cstime (the children waited for), in ticks; undefined once the process is gone. */
function times(pid: string): { own: number; children: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // fields after the command's closing parenthesis (a command may hold spaces): state is 3rd
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { own: Number(fields[11]) + Number(fields[12]), children: Number(fields[13]) + Number(fields[14]) };
}

function isPostgres(pid: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return false;
  }
}

/**
 * Every PostgreSQL process's time, its children's included: a backend that ends during a
 * phase is waited for by the postmaster, so its time moves there and is still counted.
 */
function postgresTicks(): number | undefined {
  let total: number | undefined;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || !isPostgres(pid)) continue;
    const t = times(pid);
    if (t) total = (total ?? 0) + t.own + t.children;
  }
  return total;
}

export interface CpuMark {
  self: number;
  children: number;
  postgres: number | undefined;
}

export function cpuMark(): CpuMark {
  const own = times('self')!;
  return { self: own.own, children: own.children, postgres: postgresTicks() };
}

export interface CpuSpent {
  /** this process */
  self: number;
  /** its children that ended since the mark */
  children: number;
  /** the local PostgreSQL server, all its processes */
  postgres: number | undefined;
}

/** CPU seconds spent since `mark`. */
export function cpuSince(mark: CpuMark): CpuSpent {
  const now = cpuMark();
  const seconds = (ticks: number) => ticks / TICKS_PER_SECOND;
  return {
    self: seconds(now.self - mark.self),
    children: seconds(now.children - mark.children),
    postgres: now.postgres === undefined || mark.postgres === undefined ? undefined : seconds(now.postgres - mark.postgres),
  };
}

/** "CPU 1.92 s here + 0.71 s PostgreSQL: ≥ 1.32 s on 2 cores" */
export function cpuNote(process: number, postgres: number | undefined, cores: number): string {
  const total = process + (postgres ?? 0);
  const server = postgres === undefined ? '' : ` + ${postgres.toFixed(2)} s PostgreSQL`;
  return `CPU ${process.toFixed(2)} s${server}: ≥ ${(total / cores).toFixed(2)} s on ${cores} cores`;
}
