/**
 * The DataSource the report routes read through. With REPORT_DATABASE_URL set (and the report
 * role on), a second pool logged in as a role that may only SELECT
 * (deployment/postgres/readonly-role.sql), its transactions read-only; unset, the main
 * DataSource itself. Everything that writes (the pipeline, the admin API, the layout editing
 * routes) injects the main `DataSource` as before.
 *
 * @example
 *   constructor(@Inject(REPORT_DATA_SOURCE) private readonly reads: DataSource) {}
 */
export const REPORT_DATA_SOURCE = Symbol('REPORT_DATA_SOURCE');
