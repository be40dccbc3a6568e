import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { parse } from 'yaml';
import { dockerStages } from './support/dockerfile';
import { variablesRead, variablesReadIn } from './support/variables-read';

const ROOT = path.resolve(__dirname, '../..');

/** Set in the image for Node and its libraries, not for the coordinator: Express and npm read NODE_ENV. */
const READ_BY_THE_RUNTIME = new Set(['NODE_ENV']);

/** `NAME=value` lines of .env.example, commented out or not (a commented one documents an optional variable). */
function documentedInEnvExample(): string[] {
  const text = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
  return [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
}

/** The environment of the compose services built from this repository (the postgres service's POSTGRES_* are its image's). */
function setInDockerCompose(): string[] {
  const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { build?: unknown; environment?: Record<string, unknown> | string[] }> };
  return Object.values(compose.services)
    .filter((service) => service.build !== undefined)
    .flatMap((service) => (Array.isArray(service.environment) ? service.environment.map((entry) => entry.split('=')[0]) : Object.keys(service.environment ?? {})));
}

function setInDockerfile(): string[] {
  return dockerStages(path.join(ROOT, 'Dockerfile')).flatMap((stage) => Object.keys(stage.env));
}

describe('environment variables: what the deployment files set is what the code reads', () => {
  const read = variablesRead(path.join(ROOT, 'src'));

  it('finds what the code reads from the code: reader calls, a local wrapper of a reader, env.NAME', () => {
    expect([...read.keys()]).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'ROLES', 'CRUNCH_ID', 'LOCAL_ORCHESTRATOR_PIP_ARGS', 'ENV_FILE']));
    const source = ts.createSourceFile(
      'example.ts',
      `const text = (name: string) => readOptionalString(env, name);
       const wrapped = (n: string) => text(n);
       readInt(env, 'A_INT', { default: 1 }); text('B_TEXT'); wrapped('C_WRAPPED'); process.env.D_DIRECT; io.env['E_INDEXED'];
       readInt(env, name); other('NOT_A_READ'); config.F_NOT_ENV;`,
      ts.ScriptTarget.ES2022,
      true,
    );
    expect([...variablesReadIn(source, new Map([['readInt', 1], ['readOptionalString', 1]]))].sort()).toEqual(['A_INT', 'B_TEXT', 'C_WRAPPED', 'D_DIRECT', 'E_INDEXED']);
  });

  it('docker-compose.yml sets only variables the coordinator reads', () => {
    const names = setInDockerCompose();
    expect(names).toEqual(expect.arrayContaining(['DATABASE_URL', 'ORCHESTRATOR_HOST']));
    expect(names.filter((name) => !read.has(name))).toEqual([]);
  });

  it('the Dockerfile sets only variables the coordinator (or Node itself) reads', () => {
    const names = setInDockerfile();
    expect(names).toEqual(expect.arrayContaining(['PORT', 'DATA_DIR']));
    expect(names.filter((name) => !read.has(name) && !READ_BY_THE_RUNTIME.has(name))).toEqual([]);
  });

  it('.env.example documents only variables the coordinator reads', () => {
    expect(documentedInEnvExample().filter((name) => !read.has(name))).toEqual([]);
  });

  it('.env.example documents every variable the coordinator reads', () => {
    const documented = new Set(documentedInEnvExample());
    const missing = [...read.entries()].filter(([name]) => !documented.has(name)).map(([name, files]) => `${name} (${files.join(', ')})`);
    expect(missing).toEqual([]);
  });
});
