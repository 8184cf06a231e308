import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiExtraModels, ApiServiceUnavailableResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/route-access.decorator';
import { databaseUnavailable } from '../common/domain.errors';
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

  /** 200 when the API and its database answer; 503 (with Retry-After) while the database does not. No authentication. */
  @Get()
  // Replaces the 503 schema @HealthCheck() documents (so it must sit above it): the exception
  // filter renders that 503 like any other error, not as a health report.
  @ApiServiceUnavailableResponse({
    description: 'The database does not answer: code DATABASE_UNAVAILABLE, `details: {"database": "down"}`',
    schema: { $ref: getSchemaPath(ErrorResponse) },
  })
  @HealthCheck()
  async check(): Promise<HealthCheckResult> {
    try {
      // Within the 2 s a load balancer or Entra waits; a known outage fails at once (DatabaseGate).
      return await this.health.check([() => this.db.pingCheck('database', { timeout: 1500 })]);
    } catch (err) {
      if (err instanceof ServiceUnavailableException) throw databaseUnavailable({ database: 'down' });
      throw err;
    }
  }
}
