/**
 * The TypeORM CLI's data source (`npm run migration:run`, `npm run migration:revert`).
 * Needs DATABASE_URL: the CLI manages a PostgreSQL server's schema. The app itself applies
 * pending migrations at start, on the server and on the embedded database alike.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/database/data-source.factory';

const url = process.env.DATABASE_URL;
if (!url) {
  throw new Error('DATABASE_URL: required by the TypeORM CLI (postgres://user@host:5432/db)');
}

export default new DataSource(dataSourceOptions(url, { embedded: false }));
