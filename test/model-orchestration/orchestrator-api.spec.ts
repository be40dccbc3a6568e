import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AccessModule } from '../../src/auth/access.module';
import { loadAppConfig } from '../../src/config/app-config';
import { UploadedModels } from '../../src/local-orchestrator/uploads/uploaded-models';
import { OrchestratorModelsController } from '../../src/model-orchestration/api/orchestrator-models.controller';
import { LocalOrchestratorHandle } from '../../src/model-orchestration/local-orchestrator-handle';
import { OrchestratorFixture } from '../local-orchestrator/support/orchestrator-fixture';
import { modelDir } from '../local-orchestrator/support/models-config-fixture';
import { TestModelClient } from '../local-orchestrator/support/model-runner-test-client';
import { ADMIN_HEADERS, READ_HEADERS, TEST_API_KEYS } from '../support/api-keys';

const MAX_UPLOAD_BYTES = 256 * 1024;
const hasPython = spawnSync('python3', ['--version']).status === 0;

/** Builds archives with Python's zipfile/tarfile, which write any entry name we ask for (hostile ones included). */
function archive(kind: 'zip' | 'tar.gz' | 'tar', entries: Array<{ name: string; data?: string; symlinkTo?: string }>): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'archive-'));
  const out = join(dir, `upload.${kind}`);
  const script = `
import io, json, sys, tarfile, zipfile
kind, out, entries = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
if kind == 'zip':
    with zipfile.ZipFile(out, 'w') as z:
        for e in entries:
            if e.get('symlinkTo'):
                info = zipfile.ZipInfo(e['name']); info.external_attr = (0o120777 << 16)
                z.writestr(info, e['symlinkTo'])
            else:
                z.writestr(e['name'], e.get('data', ''))
else:
    with tarfile.open(out, 'w:gz' if kind == 'tar.gz' else 'w') as t:
        for e in entries:
            info = tarfile.TarInfo(e['name'])
            if e.get('symlinkTo'):
                info.type = tarfile.SYMTYPE; info.linkname = e['symlinkTo']; t.addfile(info)
            else:
                data = e.get('data', '').encode(); info.size = len(data); t.addfile(info, io.BytesIO(data))
`;
  execFileSync('python3', ['-c', script, kind, out, JSON.stringify(entries)]);
  return readFileSync(out);
}

const NOISY_MODEL = `
const { TrackerBase } = require('condorgame/tracker');
class NoisyTracker extends TrackerBase {
  constructor() { super(); console.log('noisy tracker constructed'); console.error('warming up on stderr'); }
  predict() { return []; }
}
module.exports = { NoisyTracker };
`;

describe('local orchestrator HTTP API (/orchestrator/models)', () => {
  const fixture = new OrchestratorFixture();
  let uploadsDir: string;
  let app: INestApplication;
  let url: string;
  const clients: TestModelClient[] = [];

  async function send(method: string, path: string, init: { form?: FormData; json?: unknown; headers?: Record<string, string> } = {}) {
    const res = await fetch(`${url}${path}`, {
      method,
      body: init.form ?? (init.json === undefined ? undefined : JSON.stringify(init.json)),
      headers: { ...(init.headers ?? ADMIN_HEADERS), ...(init.json === undefined ? {} : { 'Content-Type': 'application/json' }) },
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  function form(fields: Record<string, string>, file?: { bytes: Buffer; name: string }): FormData {
    const data = new FormData();
    for (const [key, value] of Object.entries(fields)) data.append(key, value);
    if (file) data.append('archive', new Blob([new Uint8Array(file.bytes)]), file.name);
    return data;
  }

  /** Everything under the uploads folder, so a refused upload can be shown to write nothing. */
  function uploadedFiles(): string[] {
    return existsSync(uploadsDir) ? readdirSync(uploadsDir, { recursive: true }).map(String).sort() : [];
  }

  beforeAll(async () => {
    uploadsDir = join(mkdtempSync(join(tmpdir(), 'orchestrator-uploads-')), 'uploaded-models');
    await fixture.start([{ id: 'from-file', code_path: modelDir('models/gaussian-ewma'), language: 'javascript' }], { uploadsDir, maxUploadBytes: MAX_UPLOAD_BYTES });
    @Module({
      imports: [
        MulterModule.register({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } }),
        AccessModule.forRoot(loadAppConfig({ API_KEYS: TEST_API_KEYS, RATE_LIMIT_IP_PER_MINUTE: '0', RATE_LIMIT_KEY_PER_MINUTE: '0' })),
      ],
      controllers: [OrchestratorModelsController],
      providers: [{ provide: LocalOrchestratorHandle, useValue: new LocalOrchestratorHandle(fixture.orchestrator) }],
    })
    class ApiModule {}
    const moduleRef = await Test.createTestingModule({ imports: [ApiModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await app?.close();
    await fixture.stop();
  });

  it('answers 401 without a key or with a wrong one, and 403 to a read key, on every route', async () => {
    const routes: Array<[string, string]> = [['GET', '/orchestrator/models'], ['GET', '/orchestrator/models/from-file'], ['POST', '/orchestrator/models'], ['PATCH', '/orchestrator/models/from-file'], ['DELETE', '/orchestrator/models/from-file'], ['GET', '/orchestrator/models/from-file/logs']];
    for (const [method, path] of routes) {
      expect([method, path, (await send(method, path, { headers: {} })).status]).toEqual([method, path, 401]);
      expect([method, path, (await send(method, path, { headers: { 'X-API-Key': 'not-a-key' } })).status]).toEqual([method, path, 401]);
      expect([method, path, (await send(method, path, { headers: READ_HEADERS })).status]).toEqual([method, path, 403]);
    }
    expect(fixture.orchestrator.runningStates().map((s) => s.model_id)).toContain('from-file'); // nothing was done
  });

  it('lists the models of the models config file with their desired state and status', async () => {
    const res = await send('GET', '/orchestrator/models');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      expect.objectContaining({ model_id: 'from-file', source: 'config', language: 'javascript', desired_state: 'RUNNING', status: 'RUNNING', status_message: null, logs_url: '/orchestrator/models/from-file/logs' }),
    ]);
  });

  it('unpacks an uploaded zip of a model folder, deploys it, and serves it over gRPC; its output is tailed', async () => {
    const zip = archive('zip', [{ name: 'noisy/index.js', data: NOISY_MODEL }, { name: 'noisy/README.md', data: 'a model' }]);
    const res = await send('POST', '/orchestrator/models', { form: form({ model_id: 'noisy', cruncher_id: 'c-9', cruncher_name: 'zoe' }, { bytes: zip, name: 'noisy.zip' }) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ model_id: 'noisy', name: 'noisy', source: 'upload', language: 'javascript', status: 'RUNNING', cruncher_name: 'zoe' });
    expect(fixture.orchestrator.runningStates().map((s) => s.model_id)).toContain('noisy');
    const code = join(uploadsDir, 'noisy', readdirSync(join(uploadsDir, 'noisy'))[0]);
    expect(readdirSync(code).sort()).toEqual(['README.md', 'index.js']);

    const client = new TestModelClient(fixture.port('noisy'));
    clients.push(client);
    expect((await client.setup()).status.code).toBe('SUCCESS');
    await fixture.until(() => fixture.orchestrator.output.tail('noisy', 10).length >= 3);
    const logs = await send('GET', '/orchestrator/models/noisy/logs?lines=50');
    expect(logs.status).toBe(200);
    expect(logs.body.map((l: { stream: string; line: string }) => `${l.stream}: ${l.line}`)).toEqual(
      expect.arrayContaining(['stdout: noisy tracker constructed', 'stderr: warming up on stderr', expect.stringMatching(/^orchestrator: uploaded 2 file\(s\) \(javascript\)/)]),
    );
    expect((await send('GET', '/orchestrator/models/noisy/logs?lines=0')).status).toBe(400);
  });

  (hasPython ? it : it.skip)('deploys a Python model from a tar.gz, and a new upload under the same id replaces its code', async () => {
    const main = readFileSync(modelDir('models/normal-mixture/main.py'), 'utf8');
    const first = await send('POST', '/orchestrator/models', { form: form({ model_id: 'py', cruncher_id: 'c-1' }, { bytes: archive('tar.gz', [{ name: 'main.py', data: main }]), name: 'py.tar.gz' }) });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ language: 'python', status: 'RUNNING' });
    const firstDeployment = first.body.deployment_id;
    const second = await send('POST', '/orchestrator/models', { form: form({ model_id: 'py', cruncher_id: 'c-1' }, { bytes: archive('tar', [{ name: 'main.py', data: `${main}\n# v2\n` }]), name: 'py.tar' }) });
    expect(second.status).toBe(201);
    expect(second.body.deployment_id).not.toBe(firstDeployment);
    const versions = readdirSync(join(uploadsDir, 'py'));
    expect(versions).toHaveLength(1); // the old version's code is deleted once the new one runs
    expect(readFileSync(join(uploadsDir, 'py', versions[0], 'main.py'), 'utf8')).toContain('# v2');
  });

  describe('refuses hostile or broken uploads with a 400 naming the archive, and writes nothing', () => {
    const cases: Array<[string, () => Buffer, RegExp]> = [
      ['a path escaping the model folder (zip)', () => archive('zip', [{ name: 'index.js', data: NOISY_MODEL }, { name: '../../escaped.js', data: 'x' }]), /"\.\." would write outside|invalid relative path/],
      ['an absolute path (tar)', () => archive('tar', [{ name: '/tmp/absolute.js', data: 'x' }, { name: 'index.js', data: NOISY_MODEL }]), /absolute paths are not allowed/],
      ['a symbolic link (tar.gz)', () => archive('tar.gz', [{ name: 'index.js', data: NOISY_MODEL }, { name: 'secrets', symlinkTo: '/etc/passwd' }]), /SymbolicLink entries/],
      ['a symbolic link (zip)', () => archive('zip', [{ name: 'index.js', data: NOISY_MODEL }, { name: 'secrets', symlinkTo: '/etc/passwd' }]), /links and special files are not allowed/],
      ['no entry point', () => archive('zip', [{ name: 'README.md', data: 'only docs' }]), /missing entry point/],
      ['not an archive', () => Buffer.from('#!/bin/sh\nrm -rf /\n'), /not a zip, tar or tar.gz archive/],
      ['a truncated zip', () => archive('zip', [{ name: 'index.js', data: NOISY_MODEL }]).subarray(0, 40), /not a readable zip archive/],
    ];
    it.each(cases)('%s', async (_name, bytes, message) => {
      const before = uploadedFiles();
      const res = await send('POST', '/orchestrator/models', { form: form({ model_id: 'hostile', cruncher_id: 'c-x' }, { bytes: bytes(), name: 'upload.bin' }) });
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual(['archive']);
      expect(res.body.message).toMatch(message);
      expect(uploadedFiles()).toEqual(before);
      expect(existsSync(join(uploadsDir, '..', 'escaped.js'))).toBe(false);
      expect((await send('GET', '/orchestrator/models/hostile')).status).toBe(404);
    });

    it('an archive over LOCAL_ORCHESTRATOR_UPLOAD_MAX_BYTES', async () => {
      const before = uploadedFiles();
      const res = await send('POST', '/orchestrator/models', { form: form({ model_id: 'big', cruncher_id: 'c' }, { bytes: Buffer.alloc(MAX_UPLOAD_BYTES + 1, 1), name: 'big.zip' }) });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ fields: ['archive'], message: expect.stringMatching(/larger than LOCAL_ORCHESTRATOR_UPLOAD_MAX_BYTES/) });
      expect(uploadedFiles()).toEqual(before);
    });

    it('bad or missing fields, and no file', async () => {
      const zip = archive('zip', [{ name: 'index.js', data: NOISY_MODEL }]);
      const badId = await send('POST', '/orchestrator/models', { form: form({ model_id: '../etc', cruncher_id: 'c' }, { bytes: zip, name: 'a.zip' }) });
      expect(badId).toMatchObject({ status: 400, body: { fields: ['model_id'] } });
      const noCruncher = await send('POST', '/orchestrator/models', { form: form({ model_id: 'ok' }, { bytes: zip, name: 'a.zip' }) });
      expect(noCruncher).toMatchObject({ status: 400, body: { fields: ['cruncher_id'] } });
      const badLanguage = await send('POST', '/orchestrator/models', { form: form({ model_id: 'ok', cruncher_id: 'c', language: 'python' }, { bytes: zip, name: 'a.zip' }) });
      expect(badLanguage).toMatchObject({ status: 400, body: { fields: ['archive'], message: expect.stringMatching(/missing entry point: language is python/) } });
      const noFile = await send('POST', '/orchestrator/models', { form: form({ model_id: 'ok', cruncher_id: 'c' }) });
      expect(noFile).toMatchObject({ status: 400, body: { fields: ['archive'] } });
    });

    it('the id of a model of the models config file (409)', async () => {
      const res = await send('POST', '/orchestrator/models', { form: form({ model_id: 'from-file', cruncher_id: 'c' }, { bytes: archive('zip', [{ name: 'index.js', data: NOISY_MODEL }]), name: 'a.zip' }) });
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/defined in .*models\.yaml/);
    });
  });

  it('changes a desired state: the model stops and starts again; for a config-file model the setting is kept', async () => {
    const stopped = await send('PATCH', '/orchestrator/models/from-file', { json: { desired_state: 'STOPPED' } });
    expect(stopped).toMatchObject({ status: 200, body: { model_id: 'from-file', desired_state: 'STOPPED', status: 'STOPPED' } });
    expect(fixture.orchestrator.runningStates().map((s) => s.model_id)).not.toContain('from-file');
    expect(new UploadedModels(uploadsDir).desiredStateOverride('from-file')).toBe('STOPPED');
    await fixture.orchestrator.rescan(); // the file still says RUNNING: the API's setting wins
    expect(fixture.orchestrator.runningStates().map((s) => s.model_id)).not.toContain('from-file');
    const running = await send('PATCH', '/orchestrator/models/from-file', { json: { desired_state: 'RUNNING' } });
    expect(running.body).toMatchObject({ desired_state: 'RUNNING', status: 'RUNNING' });
    expect((await send('PATCH', '/orchestrator/models/from-file', { json: { desired_state: 'PAUSED' } })).body).toMatchObject({ fields: ['desired_state'] });
    expect((await send('PATCH', '/orchestrator/models/nobody', { json: { desired_state: 'STOPPED' } })).status).toBe(404);
  });

  it('deletes an uploaded model and its code; a config-file model is refused, an unknown one is 404', async () => {
    expect((await send('DELETE', '/orchestrator/models/noisy')).status).toBe(204);
    expect(existsSync(join(uploadsDir, 'noisy'))).toBe(false);
    expect(fixture.orchestrator.runningStates().map((s) => s.model_id)).not.toContain('noisy');
    expect((await send('GET', '/orchestrator/models')).body.map((m: { model_id: string }) => m.model_id)).not.toContain('noisy');
    expect((await send('DELETE', '/orchestrator/models/from-file')).status).toBe(409);
    expect((await send('DELETE', '/orchestrator/models/noisy')).status).toBe(404);
  });

  it('keeps uploaded models across a restart of the orchestrator', async () => {
    mkdirSync(uploadsDir, { recursive: true });
    const again = new OrchestratorFixture();
    await again.start([{ id: 'from-file', code_path: modelDir('models/gaussian-ewma'), language: 'javascript' }], { uploadsDir });
    try {
      const ids = again.orchestrator.models().map((m) => `${m.model_id}:${m.source}:${m.status}`);
      expect(ids).toEqual(hasPython ? ['from-file:config:RUNNING', 'py:upload:RUNNING'] : ['from-file:config:RUNNING']);
    } finally {
      await again.stop();
    }
    writeFileSync(join(uploadsDir, 'note.txt'), 'unrelated'); // the registry ignores other files
  });
});
