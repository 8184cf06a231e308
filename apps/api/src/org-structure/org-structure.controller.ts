import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { CurrentAdmin } from '../auth/current-principal.decorator';
import { AdminAuth } from '../auth/route-access.decorator';
import type { AdminPrincipal } from '../auth/principal.types';
import { byKeyset, keysetPageOf, pageOf, PageQuery } from '../common/page.dto';
import { ErrorResponse } from '../errors/error-response.dto';
import { Department } from './department.entity';
import {
  CreateOrgEntityDto,
  CreateSiteDto,
  DeleteOrgEntityQuery,
  OrgEntityPage,
  OrgEntityResponse,
  CreateRoleDto,
  RolePage,
  RoleResponse,
  UpdateRoleDto,
  SitePage,
  SiteResponse,
  UpdateOrgEntityDto,
  UpdateSiteDto,
} from './dto/org-entity.dto';
import { OrgKind } from './org-source-mapping.entity';
import { OrgStructureAdminService } from './org-structure-admin.service';
import { OrgStructureQueryService, WithCount } from './org-structure-query.service';
import { Role } from './role.entity';
import { Site } from './site.entity';

const base = ({ entity: e, userCount }: WithCount<Site | Department | Role>): OrgEntityResponse => ({
  id: e.id,
  name: e.name,
  userCount,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
});

const mapRole = (r: WithCount<Role>): RoleResponse => ({ ...base(r), grades: r.entity.grades });

const mapSite = (s: WithCount<Site>): SiteResponse => ({
  ...base(s),
  address: {
    streetAddress: s.entity.streetAddress,
    locality: s.entity.locality,
    region: s.entity.region,
    postalCode: s.entity.postalCode,
    country: s.entity.country,
  },
});

const NAME_TAKEN = 'ORG_NAME_TAKEN: another one of this kind already has the name (case-insensitively)';
const REASSIGN_REFUSED = 'INVALID_REASSIGN: `reassignTo` is the entity being deleted';

@ApiTags('Org structure')
@AdminAuth()
@Controller('api/v1')
export class OrgStructureController {
  constructor(
    private readonly query: OrgStructureQueryService,
    private readonly admin: OrgStructureAdminService,
  ) {}

  /** Sites, created on first sight from people's work addresses, then owned by the app. */
  @Get('sites')
  async sites(@CurrentAdmin() admin: AdminPrincipal, @Query() q: PageQuery): Promise<SitePage> {
    if (byKeyset(q)) {
      const { rows, more } = await this.query.listByKeyset<Site>(admin.organizationId, 'site', q);
      return keysetPageOf(rows.map(mapSite), rows.at(-1)?.entity.id, more, q);
    }
    const [items, total] = await this.query.list<Site>(admin.organizationId, 'site', q);
    return pageOf(items.map(mapSite), total, q);
  }

  /** One site, with its work address and how many people it has. */
  @Get('sites/:id')
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'SITE_NOT_FOUND' })
  async site(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<SiteResponse> {
    return mapSite(await this.query.get<Site>(admin.organizationId, 'site', id));
  }

  /** Departments, created on first sight from the enterprise `department` attribute. */
  @Get('departments')
  async departments(@CurrentAdmin() admin: AdminPrincipal, @Query() q: PageQuery): Promise<OrgEntityPage> {
    if (byKeyset(q)) {
      const { rows, more } = await this.query.listByKeyset<Department>(admin.organizationId, 'department', q);
      return keysetPageOf(rows.map(base), rows.at(-1)?.entity.id, more, q);
    }
    const [items, total] = await this.query.list<Department>(admin.organizationId, 'department', q);
    return pageOf(items.map(base), total, q);
  }

  /** One department, with how many people it has. */
  @Get('departments/:id')
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'DEPARTMENT_NOT_FOUND' })
  async department(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<OrgEntityResponse> {
    return base(await this.query.get<Department>(admin.organizationId, 'department', id));
  }

  /** Roles, created on first sight from `title`. */
  @Get('roles')
  async roles(@CurrentAdmin() admin: AdminPrincipal, @Query() q: PageQuery): Promise<RolePage> {
    if (byKeyset(q)) {
      const { rows, more } = await this.query.listByKeyset<Role>(admin.organizationId, 'role', q);
      return keysetPageOf(rows.map(mapRole), rows.at(-1)?.entity.id, more, q);
    }
    const [items, total] = await this.query.list<Role>(admin.organizationId, 'role', q);
    return pageOf(items.map(mapRole), total, q);
  }

  /** One role, with its grades and how many people hold it. */
  @Get('roles/:id')
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'ROLE_NOT_FOUND' })
  async role(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<RoleResponse> {
    return mapRole(await this.query.get<Role>(admin.organizationId, 'role', id));
  }

  /** Creates a site in-app (directories also create sites on first sight). */
  @Post('sites')
  @ApiConflictResponse({ type: ErrorResponse, description: NAME_TAKEN })
  async createSite(@CurrentAdmin() admin: AdminPrincipal, @Body() body: CreateSiteDto): Promise<SiteResponse> {
    const { id } = await this.admin.create(admin.organizationId, 'site', body);
    return mapSite(await this.query.get<Site>(admin.organizationId, 'site', id));
  }

  /** Renames a site or edits its address; directory values keep landing on it. */
  @Patch('sites/:id')
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'SITE_NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorResponse, description: NAME_TAKEN })
  async updateSite(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Body() body: UpdateSiteDto): Promise<SiteResponse> {
    await this.admin.update(admin.organizationId, 'site', id, body);
    return mapSite(await this.query.get<Site>(admin.organizationId, 'site', id));
  }

  /** Deletes a site; with `reassignTo` its people and directory mappings move there (a merge). */
  @Delete('sites/:id')
  @HttpCode(204)
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'SITE_NOT_FOUND: the site, or the `reassignTo` site' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: REASSIGN_REFUSED })
  async deleteSite(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Query() q: DeleteOrgEntityQuery): Promise<void> {
    await this.admin.remove(admin.organizationId, 'site', id, q.reassignTo);
  }

  /** Creates a department in-app (directories also create departments on first sight). */
  @Post('departments')
  @ApiConflictResponse({ type: ErrorResponse, description: NAME_TAKEN })
  createDepartment(@CurrentAdmin() admin: AdminPrincipal, @Body() body: CreateOrgEntityDto): Promise<OrgEntityResponse> {
    return this.createPlain(admin, 'department', body);
  }

  /** Renames a department; the directory's old value keeps landing on it. */
  @Patch('departments/:id')
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'DEPARTMENT_NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorResponse, description: NAME_TAKEN })
  updateDepartment(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Body() body: UpdateOrgEntityDto): Promise<OrgEntityResponse> {
    return this.updatePlain(admin, 'department', id, body);
  }

  /** Deletes a department; with `reassignTo` its people and directory mappings move there (a merge). */
  @Delete('departments/:id')
  @HttpCode(204)
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'DEPARTMENT_NOT_FOUND: the department, or the `reassignTo` department' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: REASSIGN_REFUSED })
  async deleteDepartment(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Query() q: DeleteOrgEntityQuery): Promise<void> {
    await this.admin.remove(admin.organizationId, 'department', id, q.reassignTo);
  }

  /** Creates a role in-app, optionally with its grades. */
  @Post('roles')
  @ApiConflictResponse({ type: ErrorResponse, description: NAME_TAKEN })
  async createRole(@CurrentAdmin() admin: AdminPrincipal, @Body() body: CreateRoleDto): Promise<RoleResponse> {
    const { id } = await this.admin.create(admin.organizationId, 'role', body);
    return mapRole(await this.query.get<Role>(admin.organizationId, 'role', id));
  }

  /** Renames a role (the directory's old title keeps landing on it) or replaces its grades. */
  @Patch('roles/:id')
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'ROLE_NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorResponse, description: NAME_TAKEN })
  async updateRole(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Body() body: UpdateRoleDto): Promise<RoleResponse> {
    await this.admin.update(admin.organizationId, 'role', id, body);
    return mapRole(await this.query.get<Role>(admin.organizationId, 'role', id));
  }

  /** Deletes a role; with `reassignTo` its people and directory mappings move there (a merge). */
  @Delete('roles/:id')
  @HttpCode(204)
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'ROLE_NOT_FOUND: the role, or the `reassignTo` role' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: REASSIGN_REFUSED })
  async deleteRole(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Query() q: DeleteOrgEntityQuery): Promise<void> {
    await this.admin.remove(admin.organizationId, 'role', id, q.reassignTo);
  }

  private async createPlain(admin: AdminPrincipal, kind: Exclude<OrgKind, 'site'>, body: CreateOrgEntityDto): Promise<OrgEntityResponse> {
    const { id } = await this.admin.create(admin.organizationId, kind, body);
    return base(await this.query.get(admin.organizationId, kind, id));
  }

  private async updatePlain(admin: AdminPrincipal, kind: Exclude<OrgKind, 'site'>, id: string, body: UpdateOrgEntityDto): Promise<OrgEntityResponse> {
    await this.admin.update(admin.organizationId, kind, id, body);
    return base(await this.query.get(admin.organizationId, kind, id));
  }
}
