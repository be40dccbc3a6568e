import { Logger } from '@nestjs/common';
import { SystemClock } from '../../clock/clock';
import { loadAppConfig } from '../../config/app-config';
import { ConfigError } from '../../config/config-error';
import { loadCompetitionFile } from '../../config/competition/competition.loader';
import { DatabaseLifecycle } from '../../database/database.module';
import { formatUnits } from '../base-units';
import { Checkpoint, CheckpointNotFoundError, CHECKPOINT_STATUSES, CheckpointStatus, IllegalCheckpointMoveError, isCheckpointStatus } from '../checkpoints/checkpoint';
import { CheckpointRepository } from '../checkpoints/checkpoint.repository';
import { ModelRegistryRepository } from '../../predict/registry/model-registry.repository';
import { CheckpointStatusService } from '../checkpoints/checkpoint-status.service';
import { RewardFunctionRegistry } from '../reward-function.registry';
import { RewardComputationError } from '../reward.errors';
import { CommandIo, CommandUsageError, readCommandFlags } from '../../cli/command-io';

export const USAGE = `usage: coordinator-node checkpoint <action> [flags]
  list [--limit N] [--json]                      checkpoints, newest period first (limit 1..500, default 20)
  show ID [--json]                               one checkpoint: status, pool, payouts, moves
  set-pool ID AMOUNT --actor NAME                set the pool of a PENDING checkpoint (recomputes its payouts)
  move ID STATUS --actor NAME [--note TEXT]      PENDING -> SUBMITTED -> CLAIMABLE -> PAID, or FAILED
  Reads the node's database: DATABASE_URL, else the embedded one under DATA_DIR (stop the node first:
  the embedded database has one owner); COMPETITION_FILE names the competition.`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `coordinator-node checkpoint`: the operator's hands on reward checkpoints until the admin API
 * exists. Exit codes: 0 done, 1 refused (an illegal move, an unknown checkpoint), 2 bad arguments.
 */
export async function run(args: string[], io: CommandIo): Promise<number> {
  let lifecycle: DatabaseLifecycle | undefined;
  try {
    const command = readCommand(args);
    if (command.action === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    Logger.overrideLogger(false); // stdout carries the answer (--json) only
    const config = loadAppConfig(io.env);
    const competition = loadCompetitionFile(config.competitionFile);
    lifecycle = new DatabaseLifecycle();
    const dataSource = await lifecycle.open(config);
    const repository = new CheckpointRepository(dataSource);
    const status = new CheckpointStatusService(competition, new SystemClock(), dataSource, new RewardFunctionRegistry(), repository, new ModelRegistryRepository(dataSource));
    const print = (checkpoint: Checkpoint) => io.stdout(command.json ? `${JSON.stringify(checkpointJson(checkpoint), null, 2)}\n` : `${summaryLine(checkpoint)}\n`);
    switch (command.action) {
      case 'list': {
        const list = await repository.list(competition.id, command.limit, 0);
        if (command.json) io.stdout(`${JSON.stringify(list.map(checkpointJson), null, 2)}\n`);
        else io.stdout(list.length === 0 ? 'no checkpoint yet\n' : `${list.map(summaryLine).join('\n')}\n`);
        return 0;
      }
      case 'show': {
        const checkpoint = await status.get(command.id);
        const [payouts, moves] = await Promise.all([repository.payouts(checkpoint.id), repository.moves(checkpoint.id)]);
        if (command.json) {
          io.stdout(`${JSON.stringify({ ...checkpointJson(checkpoint), payouts: payouts.map((p) => ({ ...p, units: p.units.toString() })), moves }, null, 2)}\n`);
          return 0;
        }
        const lines = [summaryLine(checkpoint), ...payouts.map((p) => `  horizon ${p.horizon} rank ${p.rank} ${p.modelId} (${p.playerName}): ${p.amount} = ${formatUnits(p.units, checkpoint.decimals)}`)];
        lines.push(...moves.map((m) => `  ${m.at.toISOString()} ${m.from ?? '-'} -> ${m.to} by ${m.actor}${m.note ? `: ${m.note}` : ''}`));
        io.stdout(`${lines.join('\n')}\n`);
        return 0;
      }
      case 'set-pool':
        print(await status.setPool(command.id, command.pool, command.actor));
        return 0;
      case 'move':
        print(await status.move(command.id, command.to, command.actor, command.note));
        return 0;
    }
    throw new CommandUsageError('unknown action (see --help)');
  } catch (error) {
    if (error instanceof CommandUsageError || error instanceof ConfigError) {
      io.stderr(`coordinator-node checkpoint: ${error.message}\n`);
      return 2;
    }
    if (error instanceof IllegalCheckpointMoveError || error instanceof CheckpointNotFoundError || error instanceof RewardComputationError) {
      io.stderr(`coordinator-node checkpoint: ${error.message}\n`);
      return 1;
    }
    io.stderr(`coordinator-node checkpoint: unexpected error: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}\n`);
    return 1;
  } finally {
    await lifecycle?.onApplicationShutdown();
  }
}

type Command =
  | { action: 'help'; json: false }
  | { action: 'list'; limit: number; json: boolean }
  | { action: 'show'; id: string; json: boolean }
  | { action: 'set-pool'; id: string; pool: number; actor: string; json: boolean }
  | { action: 'move'; id: string; to: CheckpointStatus; actor: string; note: string | null; json: boolean };

function readCommand(args: string[]): Command {
  const { values, positionals } = readCommandFlags(
    args,
    { limit: { type: 'string' }, json: { type: 'boolean' }, actor: { type: 'string' }, note: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    { allowPositionals: true },
  );
  const [action, ...rest] = positionals;
  if (values.help === true || action === undefined || action === 'help') return { action: 'help', json: false };
  const json = values.json === true;
  const expect = (n: number) => {
    if (rest.length !== n) throw new CommandUsageError(`${action} takes ${n} argument(s), got ${rest.length} (see --help)`);
  };
  const id = (text: string) => {
    if (!UUID.test(text)) throw new CommandUsageError(`checkpoint id must be a UUID, got "${text.slice(0, 40)}"`);
    return text.toLowerCase();
  };
  const actor = () => {
    const name = values.actor;
    if (typeof name !== 'string' || name.trim().length === 0 || name.length > 200) throw new CommandUsageError('--actor NAME is required (who makes the change, at most 200 characters)');
    return name.trim();
  };
  switch (action) {
    case 'list': {
      expect(0);
      const text = (values.limit as string | undefined) ?? '20';
      if (!/^[0-9]{1,3}$/.test(text) || Number(text) < 1 || Number(text) > 500) throw new CommandUsageError(`--limit must be an integer in 1..500, got "${text.slice(0, 20)}"`);
      return { action, limit: Number(text), json };
    }
    case 'show':
      expect(1);
      return { action, id: id(rest[0]), json };
    case 'set-pool': {
      expect(2);
      const pool = Number(rest[1]);
      if (!/^[0-9]+(\.[0-9]+)?$/.test(rest[1]) || !Number.isFinite(pool)) throw new CommandUsageError(`AMOUNT must be a number >= 0, got "${rest[1].slice(0, 40)}"`);
      return { action, id: id(rest[0]), pool, actor: actor(), json };
    }
    case 'move': {
      expect(2);
      const to = rest[1].toUpperCase();
      if (!isCheckpointStatus(to)) throw new CommandUsageError(`STATUS must be one of ${CHECKPOINT_STATUSES.join(', ')}, got "${rest[1].slice(0, 20)}"`);
      const note = typeof values.note === 'string' ? values.note.slice(0, 500) : null;
      return { action, id: id(rest[0]), to, actor: actor(), note, json };
    }
    default:
      throw new CommandUsageError(`unknown action "${action.slice(0, 40)}" (list, show, set-pool, move; see --help)`);
  }
}

function summaryLine(c: Checkpoint): string {
  const distributed = c.distributedUnits === null ? 'no payouts (pool not set)' : `distributed ${formatUnits(c.distributedUnits, c.decimals)} of pool ${c.pool}`;
  return `${c.id}  ${c.periodStart.toISOString()} .. ${c.periodEnd.toISOString()}  ${c.status.padEnd(9)}  ${c.entries.length} entries, ${distributed}`;
}

function checkpointJson(c: Checkpoint) {
  return { ...c, distributedUnits: c.distributedUnits === null ? null : c.distributedUnits.toString() };
}
