import { Client, type ClientConfig } from 'pg';
import { redactUrl } from '../config/app-config';
import { StartupError } from '../common/startup-error';

const CONNECT_TIMEOUT_MS = 5000;

function clientConfig(url: string): ClientConfig {
  return { connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'quantdesk-bootstrap' };
}

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new StartupError(`DATABASE_URL ${redactUrl(url)} names no database (add /quantdesk to the URL).`);
  return name;
}

/** The same server, the `postgres` maintenance database: where CREATE DATABASE is issued. */
function maintenanceUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

function unreachable(url: string, err: unknown): StartupError {
  // Not `instanceof Error`: errors raised by Node's own modules may come from another realm.
  const e = (err ?? {}) as { code?: unknown; message?: unknown };
  const reason = typeof e.code === 'string' ? e.code : typeof e.message === 'string' ? e.message : String(err);
  return new StartupError(
    `Cannot reach PostgreSQL at ${redactUrl(url)} (${reason}). Start one with \`docker compose up -d db redis\`, or set DATABASE_URL to a running server.`,
  );
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Makes sure the database of DATABASE_URL exists and answers. A missing database is created when
 * `autoCreate` is on (zero-configuration start on a fresh machine); any connection failure becomes
 * a one-line StartupError naming the URL and how to start PostgreSQL.
 */
export async function ensureDatabase(url: string, autoCreate: boolean): Promise<{ created: boolean }> {
  const name = databaseName(url);
  const client = new Client(clientConfig(url));
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { created: false };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== '3D000') throw unreachable(url, err); // 3D000: invalid_catalog_name (no such database)
    if (!autoCreate) {
      throw new StartupError(`Database "${name}" does not exist at ${redactUrl(url)}; create it or set DATABASE_AUTO_CREATE=true.`);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  const admin = new Client(clientConfig(maintenanceUrl(url)));
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (err) {
    // 42P04: duplicate_database, another process created it between our two connections.
    if ((err as { code?: string }).code !== '42P04') {
      if ((err as { code?: string }).code) {
        throw new StartupError(`Cannot create database "${name}" at ${redactUrl(url)}: ${(err as Error).message}`);
      }
      throw unreachable(url, err);
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
  return { created: true };
}

/** Drops a database (tests and benchmarks clean up after themselves). */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = new Client(clientConfig(maintenanceUrl(url)));
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Connects to each read replica once (DATABASE_REPLICA_URLS). TypeORM opens a pool per replica
 * at start-up and fails without one; this says which replica, in one line, before Nest starts.
 * A replica that goes away later costs nothing but capacity (read-replica.ts reads the primary).
 */
export async function ensureReplicas(urls: readonly string[]): Promise<void> {
  for (const [i, url] of urls.entries()) {
    const client = new Client(clientConfig(url));
    try {
      await client.connect();
      await client.query('SELECT 1');
    } catch (err) {
      const e = (err ?? {}) as { code?: unknown; message?: unknown };
      const reason = typeof e.code === 'string' ? e.code : typeof e.message === 'string' ? e.message : String(err);
      throw new StartupError(
        `Cannot reach read replica ${i + 1} of ${urls.length} at ${redactUrl(url)} (${reason}). Fix DATABASE_REPLICA_URLS, or empty it to read from DATABASE_URL only.`,
      );
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
