import { SingleBar } from 'cli-progress';
import type { ReplayProgress } from '../replay-session';

/** Shows a replay's progress: simulated time, rounds done, rate (simulated s per wall s) and ETA. */
export interface ProgressDisplay {
  update(progress: ReplayProgress): void;
  stop(): void;
}

/** Plain lines at most every 10 % (or 10 s of wall time) where stderr is not a terminal. */
const LINE_EVERY_WALL_MS = 10_000;

/** A bar on a terminal (on stderr, so stdout keeps the leaderboard), plain log lines otherwise. */
export function progressDisplay(label: string, stderr: (text: string) => void, tty: NodeJS.WriteStream | null): ProgressDisplay {
  if (tty) {
    const bar = new SingleBar(
      { stream: tty, format: `${label} [{bar}] {percentage}% | {simulated} | {rounds} rounds | {rate}x | ETA {eta_formatted}`, hideCursor: true, etaBuffer: 20 },
    );
    let started = false;
    return {
      update(p) {
        const fields = describe(p);
        if (!started) {
          bar.start(p.totalMs, 0, fields);
          started = true;
        }
        bar.update(p.simulatedMs, fields);
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastWall = -Infinity;
  let lastTenth = -1;
  return {
    update(p) {
      const tenth = Math.floor((10 * p.simulatedMs) / p.totalMs);
      if (tenth === lastTenth && p.wallMs - lastWall < LINE_EVERY_WALL_MS && p.simulatedMs < p.totalMs) return;
      lastTenth = tenth;
      lastWall = p.wallMs;
      const f = describe(p);
      const eta = f.rateValue > 0 ? `${Math.round((p.totalMs - p.simulatedMs) / 1000 / f.rateValue)} s` : '?';
      stderr(`${label}: ${f.simulated} (${Math.floor((100 * p.simulatedMs) / p.totalMs)}%), ${p.rounds} rounds, ${f.rate}x, ETA ${eta}\n`);
    },
    stop() {},
  };
}

function describe(p: ReplayProgress): { simulated: string; rounds: number; rate: string; rateValue: number } {
  const rateValue = p.wallMs > 0 ? p.simulatedMs / p.wallMs : 0;
  return { simulated: simulatedTime(p.simulatedMs), rounds: p.rounds, rate: rateValue.toFixed(0), rateValue };
}

/** `3d 04:05:06` of simulated time. */
function simulatedTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const hms = [Math.floor((s % 86_400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return d > 0 ? `${d}d ${hms}` : hms;
}
