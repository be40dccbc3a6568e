import { Global, Module, OnModuleInit } from '@nestjs/common';
import { DatabaseLifecycle } from '../database/database.module';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';

@Global()
@Module({
  controllers: [HealthController],
  providers: [HealthRegistry],
  exports: [HealthRegistry],
})
export class HealthModule implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly database: DatabaseLifecycle,
  ) {}

  onModuleInit(): void {
    this.registry.register('database', () => this.database.ping());
  }
}
