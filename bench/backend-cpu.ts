import * as fs from 'node:fs';
import type { DataSource } from 'typeorm';

/** CPU seconds used so far by the PostgreSQL backends serving this database, when the server runs on this machine. */
export async function backendCpuSeconds(ds: DataSource): Promise<Map<number, number>> {
  const rows: Array<{ pid: number }> = await ds.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  const ticksPerSecond = 100; // USER_HZ on Linux
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      cpu.set(pid, (Number(fields[11]) + Number(fields[12])) / ticksPerSecond); // utime + stime
    } catch {
      // Not on this machine (or gone): not counted.
    }
  }
  return cpu;
}

/** The backends' CPU seconds between two readings of backendCpuSeconds (a backend that ended in between is not counted). */
export function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}
