import { Client, ClientConfig } from 'pg';

/** Distinct statements one embedded session keeps prepared; later ones run unnamed (texts built per row count must not grow it forever). */
const MAX_NAMED_STATEMENTS = 2_000;

/** What the pg driver's connection tracks of its prepared statements (pg/lib/connection.js). */
interface PreparedStatementMaps {
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
}

/**
 * The prepared statements of one embedded PGlite session. PGlite is one PostgreSQL session that
 * every pg connection of the process shares (pglite-session-queue.ts), so a statement one
 * connection prepared exists for all of them: the maps the pg driver keeps per connection are
 * kept here once, per session, and every connection of the pool points at them.
 *
 * Why: PGlite plans in WebAssembly, and the same few dozen statements run every simulated minute
 * of a replay. Named statements let PostgreSQL reuse a plan (its plan cache picks a generic plan
 * only where it costs no more than the custom ones): a one-day replay of the reference
 * competition spent about a fifth less CPU (bench/replay.ts). Unnamed queries plan every time.
 */
export class EmbeddedStatements {
  private readonly names = new Map<string, string>();
  readonly maps: PreparedStatementMaps = { parsedStatements: {}, submittedNamedStatements: {} };
  private client?: typeof Client;

  /** The statement name of `text`, or undefined when the session keeps no more names. */
  nameOf(text: string): string | undefined {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < MAX_NAMED_STATEMENTS) {
      name = `cn_${this.names.size + 1}`;
      this.names.set(text, name);
    }
    return name;
  }

  /** A pg Client class whose parameterised queries run as this session's named statements. */
  clientClass(): typeof Client {
    this.client ??= sessionClient(this);
    return this.client;
  }
}

function sessionClient(statements: EmbeddedStatements): typeof Client {
  return class EmbeddedSessionClient extends Client {
    constructor(config?: string | ClientConfig) {
      super(config);
      const connection = (this as unknown as { connection: PreparedStatementMaps }).connection;
      connection.parsedStatements = statements.maps.parsedStatements;
      connection.submittedNamedStatements = statements.maps.submittedNamedStatements;
    }

    // Only (text, values) calls are named, as TypeORM's query runner makes them; a text without
    // parameters may hold several statements (migrations), which one prepared statement cannot.
    override query(...args: unknown[]): never {
      const [text, values] = args;
      if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
        const name = statements.nameOf(text);
        if (name !== undefined) args = [{ name, text, values }, ...args.slice(2)];
      }
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  };
}

/** Embedded sessions running in this process, by the URL they serve. */
const sessions = new Map<string, EmbeddedStatements>();

/** Called by the embedded server while it serves `url` (and with null once it stops). */
export function registerEmbeddedSession(url: string, statements: EmbeddedStatements | null): void {
  if (statements) sessions.set(url, statements);
  else sessions.delete(url);
}

/**
 * The pg Client class for `url` when it is an embedded session of this process; undefined for any
 * other server (a real PostgreSQL, another process's embedded one, a proxy in front of one), whose
 * connections keep their own statements.
 */
export function embeddedSessionClient(url: string): typeof Client | undefined {
  return sessions.get(url)?.clientClass();
}

/** True when `url` is an embedded session of this process: one PostgreSQL session that every connection shares. */
export function isEmbeddedSession(url: string | undefined): boolean {
  return url !== undefined && sessions.has(url);
}
