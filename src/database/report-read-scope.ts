import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { DataSource } from 'typeorm';
import { REPORT_DATA_SOURCE } from './report-data-source';

/** REPORT_DATA_SOURCE when the app provides it (DatabaseModule does), else the main DataSource (a test app that provides only that). */
const REPORT_CONNECTION = Symbol('REPORT_CONNECTION');

/** Resolves REPORT_CONNECTION outside the read scope, where `DataSource` still means the main connection. */
@Module({
  providers: [
    {
      provide: REPORT_CONNECTION,
      inject: [DataSource, { token: REPORT_DATA_SOURCE, optional: true }],
      useFactory: (main: DataSource, report?: DataSource) => report ?? main,
    },
  ],
  exports: [REPORT_CONNECTION],
})
class ReportConnectionModule {}

/**
 * Builds repositories again in a module where `DataSource` is the report connection, so the
 * report's readers query through REPORT_DATA_SOURCE while their classes (owned by other modules,
 * taking `DataSource` in their constructor) stay as they are. Nest resolves a provider's
 * dependencies in its own module first: inside this scope `DataSource` is the report's, and
 * everywhere else (the pipeline, the admin API, the report's own layout writes) the main one.
 * `stores` are modules of repositories (e.g. PredictionStoreModule): their providers and exports
 * are taken over as declared. `DataSource` itself is not exported, so the importing module keeps
 * the main one.
 *
 * @example
 *   @Module({ imports: [ReportReadScope.of({ stores: [PredictionStoreModule], repositories: [LeaderboardRepository] })] })
 *   export class ReportModule {}
 */
@Module({})
export class ReportReadScope {
  static of(opts: { stores?: Type[]; repositories?: Type[] }): DynamicModule {
    const stores = opts.stores ?? [];
    const repositories = opts.repositories ?? [];
    const metadata = <T>(key: string) => stores.flatMap((store) => (Reflect.getMetadata(key, store) as T[] | undefined) ?? []);
    return {
      module: ReportReadScope,
      imports: [ReportConnectionModule, ...metadata<NonNullable<DynamicModule['imports']>[number]>(MODULE_METADATA.IMPORTS)],
      providers: [
        { provide: DataSource, useExisting: REPORT_CONNECTION },
        ...metadata<Provider>(MODULE_METADATA.PROVIDERS),
        ...repositories,
      ],
      exports: [...metadata<NonNullable<DynamicModule['exports']>[number]>(MODULE_METADATA.EXPORTS), ...repositories],
    };
  }
}

