import { loadAppConfig } from '../../src/config/app-config';
import type { DataSource } from 'typeorm';
import { PredictionRoundRepository } from '../../src/predict/round/prediction-round.repository';
import { PendingRound, RoundOutageBuffer } from '../../src/predict/round/round-outage-buffer';

function pending(id: string, predictions: number): PendingRound {
  const at = new Date(Date.UTC(2026, 0, 1));
  return {
    round: { id, competitionId: 'c', configId: 'cfg', scheduledAt: at, performedAt: at, resolvableAt: at },
    config: { id: 'cfg', competitionId: 'c', asset: 'BTC', horizon: 120, step: 30, interval: 40, group: 'fast', active: true, order: 0 },
    predictions: Array.from({ length: predictions }, (_, i) => ({ id: `${id}-${i}`, modelId: `m${i}`, status: 'SUCCESS' as const, execTimeUs: 1, payloadJson: '[]', failureReason: null })),
    durationMs: 1,
  };
}

describe('RoundOutageBuffer', () => {
  it('keeps rounds oldest first up to its bound in predictions, and refuses a round that would pass it', () => {
    const buffer = new RoundOutageBuffer(5);
    const [a, b, c] = [pending('a', 2), pending('b', 3), pending('c', 1)];
    expect(buffer.add(a)).toBe(true);
    expect(buffer.add(b)).toBe(true);
    expect(buffer.add(c)).toBe(false);
    expect(buffer.pending().map((p) => p.round.id)).toEqual(['a', 'b']);
    expect(buffer.counters()).toEqual({ bufferedRounds: 2, bufferedPredictions: 5, storedRounds: 0, storedPredictions: 0, droppedRounds: 1, droppedPredictions: 1, maxPredictions: 5 });
  });

  it('counts a round written or dropped once, and frees its room', () => {
    const buffer = new RoundOutageBuffer(3);
    const [a, b] = [pending('a', 2), pending('b', 1)];
    buffer.add(a);
    buffer.add(b);
    buffer.stored(a);
    buffer.stored(a);
    buffer.dropped(b);
    expect(buffer.counters()).toMatchObject({ bufferedRounds: 0, bufferedPredictions: 0, storedRounds: 1, storedPredictions: 2, droppedRounds: 1, droppedPredictions: 1 });
    expect(buffer.add(pending('c', 3))).toBe(true);
  });

  it('keeps nothing with a bound of 0, and refuses a bound that is not a count', () => {
    expect(new RoundOutageBuffer(0).add(pending('a', 1))).toBe(false);
    expect(() => new RoundOutageBuffer(-1)).toThrow('non-negative integer');
    expect(() => new RoundOutageBuffer(1.5)).toThrow('non-negative integer');
  });
});

describe('OUTAGE_BUFFER_PREDICTIONS', () => {
  it('bounds the outage buffer at 50,000 predictions unless set, and names itself when invalid', () => {
    expect(loadAppConfig({}).outageBufferPredictions).toBe(50_000);
    expect(loadAppConfig({ OUTAGE_BUFFER_PREDICTIONS: '0' }).outageBufferPredictions).toBe(0);
    expect(() => loadAppConfig({ OUTAGE_BUFFER_PREDICTIONS: 'lots' })).toThrow('OUTAGE_BUFFER_PREDICTIONS');
    expect(() => loadAppConfig({ OUTAGE_BUFFER_PREDICTIONS: '-1' })).toThrow('OUTAGE_BUFFER_PREDICTIONS');
  });
});

describe('PredictionRoundRepository.insertPredictions when the connection is lost', () => {
  it('throws the connection error for the round to be retried, and never stores the rows as refused payloads', async () => {
    const query = jest.fn().mockRejectedValue(new Error('Connection terminated unexpectedly'));
    const rounds = new PredictionRoundRepository({ query } as unknown as DataSource);
    const p = pending('a', 3);
    await expect(rounds.insertPredictions(p.round, p.config, p.predictions)).rejects.toThrow('Connection terminated');
    expect(query).toHaveBeenCalledTimes(1); // no row-by-row retry, no FAILED rows
  });
});
