import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentAdmin } from '../auth/current-principal.decorator';
import { AdminAuth } from '../auth/guards';
import type { AdminPrincipal } from '../auth/principals';
import { pageOf, PageQuery } from '../common/page';
import { Department } from './department.entity';
import { OrgEntityPage, OrgEntityResponse, SitePage, SiteResponse } from './dto/org-entity.dto';
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
  constructor(private readonly query: OrgStructureQueryService) {}

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
  async roles(@CurrentAdmin() admin: AdminPrincipal, @Query() q: PageQuery): Promise<OrgEntityPage> {
    const [items, total] = await this.query.list<Role>(admin.organizationId, 'role', q);
    return pageOf(items.map(base), total, q);
  }

  @Get('roles/:id')
  async role(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<OrgEntityResponse> {
    return base(await this.query.get<Role>(admin.organizationId, 'role', id));
  }
}
