import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentAdmin } from '../auth/current-principal.decorator';
import { AdminAuth } from '../auth/guards';
import type { AdminPrincipal } from '../auth/principals';
import { pageOf, PageQuery } from '../common/page';
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
    const [items, total] = await this.query.list<Site>(admin.organizationId, 'site', q);
    return pageOf(items.map(mapSite), total, q);
  }

  @Get('sites/:id')
  async site(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<SiteResponse> {
    return mapSite(await this.query.get<Site>(admin.organizationId, 'site', id));
  }

  /** Departments, created on first sight from the enterprise `department` attribute. */
  @Get('departments')
  async departments(@CurrentAdmin() admin: AdminPrincipal, @Query() q: PageQuery): Promise<OrgEntityPage> {
    const [items, total] = await this.query.list<Department>(admin.organizationId, 'department', q);
    return pageOf(items.map(base), total, q);
  }

  @Get('departments/:id')
  async department(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<OrgEntityResponse> {
    return base(await this.query.get<Department>(admin.organizationId, 'department', id));
  }

  /** Roles, created on first sight from `title`. */
  @Get('roles')
  async roles(@CurrentAdmin() admin: AdminPrincipal, @Query() q: PageQuery): Promise<RolePage> {
    const [items, total] = await this.query.list<Role>(admin.organizationId, 'role', q);
    return pageOf(items.map(mapRole), total, q);
  }

  @Get('roles/:id')
  async role(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<RoleResponse> {
    return mapRole(await this.query.get<Role>(admin.organizationId, 'role', id));
  }

  /** Creates a site in-app (directories also create sites on first sight). */
  @Post('sites')
  async createSite(@CurrentAdmin() admin: AdminPrincipal, @Body() body: CreateSiteDto): Promise<SiteResponse> {
    const { id } = await this.admin.create(admin.organizationId, 'site', body);
    return mapSite(await this.query.get<Site>(admin.organizationId, 'site', id));
  }

  /** Renames a site or edits its address; directory values keep landing on it. */
  @Patch('sites/:id')
  async updateSite(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Body() body: UpdateSiteDto): Promise<SiteResponse> {
    await this.admin.update(admin.organizationId, 'site', id, body);
    return mapSite(await this.query.get<Site>(admin.organizationId, 'site', id));
  }

  /** Deletes a site; with `reassignTo` its people and directory mappings move there (a merge). */
  @Delete('sites/:id')
  @HttpCode(204)
  async deleteSite(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Query() q: DeleteOrgEntityQuery): Promise<void> {
    await this.admin.remove(admin.organizationId, 'site', id, q.reassignTo);
  }

  @Post('departments')
  createDepartment(@CurrentAdmin() admin: AdminPrincipal, @Body() body: CreateOrgEntityDto): Promise<OrgEntityResponse> {
    return this.createPlain(admin, 'department', body);
  }

  /** Renames a department; the directory's old value keeps landing on it. */
  @Patch('departments/:id')
  updateDepartment(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Body() body: UpdateOrgEntityDto): Promise<OrgEntityResponse> {
    return this.updatePlain(admin, 'department', id, body);
  }

  /** Deletes a department; with `reassignTo` its people and directory mappings move there (a merge). */
  @Delete('departments/:id')
  @HttpCode(204)
  async deleteDepartment(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Query() q: DeleteOrgEntityQuery): Promise<void> {
    await this.admin.remove(admin.organizationId, 'department', id, q.reassignTo);
  }

  /** Creates a role in-app, optionally with its grades. */
  @Post('roles')
  async createRole(@CurrentAdmin() admin: AdminPrincipal, @Body() body: CreateRoleDto): Promise<RoleResponse> {
    const { id } = await this.admin.create(admin.organizationId, 'role', body);
    return mapRole(await this.query.get<Role>(admin.organizationId, 'role', id));
  }

  /** Renames a role (the directory's old title keeps landing on it) or replaces its grades. */
  @Patch('roles/:id')
  async updateRole(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Body() body: UpdateRoleDto): Promise<RoleResponse> {
    await this.admin.update(admin.organizationId, 'role', id, body);
    return mapRole(await this.query.get<Role>(admin.organizationId, 'role', id));
  }

  /** Deletes a role; with `reassignTo` its people and directory mappings move there (a merge). */
  @Delete('roles/:id')
  @HttpCode(204)
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
