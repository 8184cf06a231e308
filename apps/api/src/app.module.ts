import { DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { DataSource } from 'typeorm';
import { AppConfig, ConfigModule } from '@app/config';
import { buildDataSourceOptions, DatabaseModule, openDataSource } from '@app/database';
import { CredentialsModule } from './credentials/credentials.module';
import { RouteAuthGuard } from './credentials/route-auth.guard';
import { DirectoriesModule } from './directories/directories.module';
import { DirectoryRemovalModule } from './directory-removal/directory-removal.module';
import { ENTITIES } from './entities';
import { AllExceptionsFilter } from './errors/all-exceptions.filter';
import { GroupsModule } from './groups/groups.module';
import { HealthModule } from './health/health.module';
import { InvitationsModule } from './invitations/invitations.module';
import { MailModule } from './mail/mail.module';
import { loggerParams } from './logging';
import { SetupModule } from './setup/setup.module';
import { ProvisioningLogModule } from './provisioning-log/provisioning-log.module';
import { ScimModule } from './scim/scim.module';
import { SsoModule } from './sso/sso.module';
import { UsersModule } from './users/users.module';

export interface AppModuleOptions {
  config: AppConfig;
  /** Where logs go; stdout by default. Tests pass a capture stream. */
  logStream?: DestinationStream;
  /**
   * An already opened data source (main.ts opens it before Nest, so an unreachable database is
   * reported in one line); without it the module opens one itself (tests).
   */
  dataSource?: DataSource;
}

/**
 * The whole API. The global pipe, filter and guard are registered here (not in main.ts) so that tests
 * importing AppModule behave exactly like production.
 */
@Module({})
export class AppModule {
  static register({ config, logStream, dataSource }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config, logStream)),
        TypeOrmModule.forRootAsync({
          // openDataSource retries (bounded, logged) by itself; Nest's retry would log stacks.
          useFactory: () => ({ ...buildDataSourceOptions(config.database, ENTITIES), toRetry: () => false }),
          dataSourceFactory: async () => dataSource ?? openDataSource(config.database, ENTITIES),
        }),
        DatabaseModule,
        HealthModule,
        CredentialsModule,
        SetupModule,
        DirectoriesModule,
        DirectoryRemovalModule,
        UsersModule,
        GroupsModule,
        MailModule,
        InvitationsModule,
        ProvisioningLogModule,
        ScimModule,
        SsoModule,
      ],
      providers: [
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
        },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        // Deny by default: every route is authenticated unless it is marked @Public().
        { provide: APP_GUARD, useExisting: RouteAuthGuard },
      ],
    };
  }
}
