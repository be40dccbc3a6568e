import { toCsv } from '../../src/report/csv/csv-table';
import { wantsCsv } from '../../src/report/csv/csv-request';
import { describeEachEngine } from '../support/test-database';
import { ReportSeed } from './support/report-seed';
import { demoCompetition, ReportTestApp, startReportApp } from './support/report-test-app';

/** A small RFC 4180 reader, to check what a spreadsheet would read back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += ch;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

describe('toCsv', () => {
  it('writes a header row, quotes commas, quotes and line breaks, and leaves null empty', () => {
    const csv = toCsv([{ name: 'a, "b"', note: 'line1\nline2', value: 1.5, missing: null }]);
    expect(csv).toBe('name,note,value,missing\r\n"a, ""b""","line1\nline2",1.5,\r\n');
    expect(parseCsv(csv)).toEqual([['name', 'note', 'value', 'missing'], ['a, "b"', 'line1\nline2', '1.5', '']]);
  });

  it('flattens nested objects into dotted columns and JSON-encodes arrays', () => {
    const csv = toCsv([{ id: 'r1', counts: { SUCCESS: 3, FAILED: 1 }, windows: [{ name: 'anchor', value: 0.2 }] }]);
    expect(parseCsv(csv)).toEqual([['id', 'counts.SUCCESS', 'counts.FAILED', 'windows'], ['r1', '3', '1', '[{"name":"anchor","value":0.2}]']]);
  });

  it('puts declared columns first, adds fields met only in some rows, and writes the header of an empty list', () => {
    expect(parseCsv(toCsv([{ b: 1 }, { a: 2, c: 3 }], ['a', 'b']))).toEqual([['a', 'b', 'c'], ['', '1', ''], ['2', '', '3']]);
    expect(toCsv([], ['round_id', 'counts.SUCCESS'])).toBe('round_id,counts.SUCCESS\r\n');
  });

  it("defuses a participant's text a spreadsheet would run as a formula, but not negative numbers", () => {
    expect(parseCsv(toCsv([{ model_name: '=HYPERLINK("x")', score: -0.5 }]))[1]).toEqual([`'=HYPERLINK("x")`, '-0.5']);
  });
});

describe('wantsCsv', () => {
  const req = (url: string, accept?: string) => ({ url, headers: accept === undefined ? {} : { accept } });
  it.each([
    ['/r?format=csv', undefined, true],
    ['/r?format=CSV', 'application/json', true],
    ['/r?format=json', 'text/csv', false],
    ['/r', 'text/csv', true],
    ['/r', 'text/csv, */*;q=0.1', true],
    ['/r', 'application/json, text/csv', false],
    ['/r', 'application/json;q=0.5, text/csv', true],
    ['/r', 'text/csv;q=0', false],
    ['/r', '*/*', false],
    ['/r', undefined, false],
  ])('%s with Accept %s -> %s', (url, accept, expected) => {
    expect(wantsCsv(req(url, accept))).toBe(expected);
  });

  it('refuses another format with a 400 naming format', () => {
    expect(() => wantsCsv(req('/r?format=xml'))).toThrow(/format/);
  });
});

describeEachEngine('report routes in CSV', (db) => {
  const competition = demoCompetition();
  let t: ReportTestApp;

  beforeAll(async () => {
    const ds = db().dataSource;
    const seed = new ReportSeed(ds, competition);
    await seed.competition();
    await seed.model({ id: 'm-1', name: '=cmd|calc', cruncherName: 'alice, "the first"' });
    await seed.model({ id: 'm-2', name: 'plain', cruncherName: 'bob' });
    await seed.prediction({ modelId: 'm-1', performedAt: '2025-01-01T10:00:00.000Z', status: 'FAILED', failureReason: 'bad, "json"', execTimeUs: 1500 });
    await seed.prediction({ modelId: 'm-2', performedAt: '2025-01-01T10:00:00.000Z', status: 'SUCCESS', execTimeUs: 900 });
    await seed.leaderboard('2025-01-01T10:05:00.000Z', [
      { rank: 1, model_id: 'm-2', model_name: 'plain', cruncher_name: 'bob', cruncher_id: 'c-2', score_recent: 0.5, score_steady: 0.4, score_anchor: 0.3, left: false, previous_rank: null, last_status: 'SUCCESS', windows: {}, complete: {} },
      { rank: null, model_id: 'm-1', model_name: '=cmd|calc', cruncher_name: 'alice, "the first"', cruncher_id: 'c-1', score_recent: null, score_steady: null, score_anchor: null, left: false, previous_rank: null, last_status: 'FAILED', status: 'excluded', windows: {}, complete: {} },
    ]);
    t = await startReportApp(ds, { competition });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  async function csv(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${t.url}${path}`, { headers });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), text, rows: parseCsv(text) };
  }

  it('answers /reports/rounds?format=csv with counts flattened into columns', async () => {
    const res = await csv('/reports/rounds?format=csv');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/csv; charset=utf-8');
    expect(res.disposition).toBe('attachment; filename="rounds.csv"');
    const [header, row] = res.rows;
    expect(header.slice(0, 2)).toEqual(['round_id', 'param']);
    expect(header).toEqual(expect.arrayContaining(['counts.SUCCESS', 'counts.FAILED', 'counts.TIMEOUT', 'counts.ABSENT', 'scoring_state']));
    const cell = (name: string) => row[header.indexOf(name)];
    expect([cell('counts.SUCCESS'), cell('counts.FAILED'), cell('param')]).toEqual(['1', '1', 'BTC-120-30']);
    expect(res.rows).toHaveLength(2);
  });

  it('answers /reports/models with Accept: text/csv, quoting and defusing participant names', async () => {
    const res = await csv('/reports/models', { Accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.rows[0]).toEqual(['model_id', 'model_name', 'cruncher_name', 'cruncher_id', 'deployment_id']);
    expect(res.rows.find((r) => r[0] === 'm-1')).toEqual(['m-1', "'=cmd|calc", 'alice, "the first"', 'c-m-1', 'd-m-1']);
  });

  it("answers a model's latest predictions with the failure reason quoted", async () => {
    const res = await csv('/reports/predictions/latest?model_id=m-1&format=csv');
    const header = res.rows[0];
    expect(res.rows[1][header.indexOf('failure_reason')]).toBe('bad, "json"');
    expect(res.rows[1][header.indexOf('exec_time_ms')]).toBe('1.5');
  });

  it('writes the header row of an empty list from the route\'s documented fields', async () => {
    const res = await csv('/reports/predictions/latest?model_id=nobody&format=csv');
    expect(res.status).toBe(200);
    expect(res.rows).toHaveLength(1);
    expect(res.rows[0]).toEqual(expect.arrayContaining(['prediction_id', 'status', 'exec_time_ms', 'failure_reason']));
  });

  it('answers the leaderboard in CSV through the controller while JSON keeps its prepared bytes', async () => {
    const json = await fetch(`${t.url}/reports/leaderboard`);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(json.headers.get('etag')).toMatch(/^"seed-/);
    expect((await json.json()).map((e: { model_id: string }) => e.model_id)).toEqual(['m-2']);
    const res = await csv('/reports/leaderboard?format=csv');
    expect(res.type).toBe('text/csv; charset=utf-8');
    expect(res.rows[0].slice(0, 8)).toEqual(['created_at', 'model_id', 'score_recent', 'score_steady', 'score_anchor', 'rank', 'model_name', 'cruncher_name']);
    expect(res.rows[1].slice(0, 2)).toEqual(['2025-01-01T10:05:00.000Z', 'm-2']);
    const view = await csv('/reports/leaderboard/view', { Accept: 'text/csv' });
    const header = view.rows[0];
    expect(view.rows.map((r) => r[header.indexOf('status')])).toEqual(['status', 'active', 'excluded']);
  });

  it('answers 406 for a report route that is not a list, 400 naming format for an unknown one, and JSON errors stay JSON', async () => {
    expect((await csv('/reports/schema?format=csv')).status).toBe(406);
    // Outside /reports, format is the route's own business (left alone).
    const info = await csv('/info?format=xml');
    expect([info.status, info.type]).toEqual([200, 'application/json; charset=utf-8']);
    const bad = await csv('/reports/rounds?format=xml');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).parameters).toEqual(['format']);
    const invalid = await csv('/reports/rounds?format=csv&limit=0');
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.text).parameters).toEqual(['limit']);
    expect((await csv('/reports/leaderboard?format=xml')).status).toBe(400);
  });
});
