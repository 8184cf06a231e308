import { Controller, Get } from '@nestjs/common';
import { ApiExtraModels, ApiServiceUnavailableResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/guards';
import { ErrorResponse } from '../errors/error-response.dto';

@ApiTags('Health')
@ApiExtraModels(ErrorResponse)
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  /** 200 when the API and its database answer; 503 otherwise. No authentication. */
  @Get()
  // Replaces the 503 schema @HealthCheck() documents (so it must sit above it): the exception
  // filter renders that 503 like any other error, not as a health report.
  @ApiServiceUnavailableResponse({ description: 'The database does not answer (code SERVICE_UNAVAILABLE)', schema: { $ref: getSchemaPath(ErrorResponse) } })
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.db.pingCheck('database', { timeout: 3000 })]);
  }
}
