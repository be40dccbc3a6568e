#!/usr/bin/env node
/**
 * Posts rounds of synthetic inputs to a running {{name}} coordinator, then their truths, so the
 * example models get scored and ranked; prints each round and the leaderboard.
 *
 *   COORDINATOR_URL   the coordinator (default http://127.0.0.1:8000)
 *   ADMIN_API_KEY     the secret of an admin-tier key (see API_KEYS in the coordinator's README)
 *   ROUNDS            how many rounds (default 2); MODELS: models to wait for (default 2)
 *
 * The rounds are seeded and carry round ids (demo-1, demo-2, ...): running the script again posts
 * the same rounds and truths, which the coordinator answers as no-ops.
 *
 *   node {{name}}/post-rounds.mjs
 */
const base = (process.env.COORDINATOR_URL ?? 'http://127.0.0.1:8000').replace(/\/+$/, '');
const key = process.env.ADMIN_API_KEY;
const rounds = Number(process.env.ROUNDS ?? 2);
const models = Number(process.env.MODELS ?? 2);
const ITEMS = 50;
const WAIT_MS = 300_000;

/** A seeded uniform generator (mulberry32), so every run posts the same rounds. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Features of ITEMS items and their realised targets: mostly the first feature, some of the second, noise. */
function syntheticRound(n) {
  const random = generator(1000 + n);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const features = Array.from({ length: ITEMS }, () => [normal(), normal(), normal()].map((x) => Math.round(x * 1e4) / 1e4));
  const truth = features.map(([a, b]) => Math.round((0.8 * a + 0.3 * b + 0.5 * normal()) * 1e4) / 1e4);
  return { features, truth };
}

async function call(method, path, body) {
  const headers = { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) };
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${json?.message ?? text}`);
  return { status: response.status, json };
}

async function waitForModels() {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const { json } = await call('GET', '/reports/models');
      if (Array.isArray(json) && json.length >= models) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${models} model(s) not registered at ${base} within ${WAIT_MS / 1000} s (is the coordinator running?)`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function main() {
  if (!key) console.warn('ADMIN_API_KEY is not set: the round POSTs will be refused (401) unless the coordinator has no keys');
  await waitForModels();
  for (let n = 1; n <= rounds; n++) {
    const { features, truth } = syntheticRound(n);
    const opened = await call('POST', '/tournament/rounds', { round_id: `demo-${n}`, inputs: { features } });
    const round = opened.json;
    console.log(`round demo-${n} (${round.id}): ${opened.status === 201 ? 'opened' : 'already open'}, ${round.counts?.SUCCESS ?? 0} of ${round.counts?.models ?? 0} model(s) answered`);
    const resolved = (await call('POST', `/tournament/rounds/${round.id}/truth`, { truth })).json;
    const scores = resolved.predictions.map((p) => `${p.model_id}: ${p.score_value ?? p.score_failed_reason ?? p.status}`).join(', ');
    console.log(`round demo-${n}: ${resolved.status} (${scores})`);
  }
  const leaderboard = (await call('GET', '/reports/leaderboard')).json;
  console.log('leaderboard:');
  for (const entry of leaderboard) console.log(`  #${entry.rank} ${entry.model_name ?? entry.model_id} (${entry.model_id})`);
}

main().catch((error) => {
  console.error(`post-rounds: ${error.message}`);
  process.exit(1);
});
