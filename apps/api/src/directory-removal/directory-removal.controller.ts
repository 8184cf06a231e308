import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentAdmin } from '../auth/current-principal.decorator';
import { AdminAuth } from '../auth/route-access.decorator';
import type { AdminPrincipal } from '../auth/principal.types';
import { ErrorResponse } from '../errors/error-response.dto';
import { DirectoryRemovalService } from './directory-removal.service';

/** `DELETE /api/v1/directories/:id`, beside DirectoriesController's other routes. */
@ApiTags('Directories')
@AdminAuth()
@Controller('api/v1/directories')
export class DirectoryRemovalController {
  constructor(private readonly removal: DirectoryRemovalService) {}

  /**
   * Deletes a directory: its tokens are revoked and its groups deleted (with their memberships
   * and the rights they gave); the people it provisioned stay, managed by no directory.
   */
  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id', description: 'The directory id', example: '6d089ccc-c3b0-4b37-8849-f0ddcb198797' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'DIRECTORY_NOT_FOUND: no such directory in this organisation' })
  async remove(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<void> {
    await this.removal.remove(admin.organizationId, id);
  }
}
