import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  ALL_SCHEMAS,
  listResponse,
  refuseDiscoveryFilter,
  resourceTypeRepresentation,
  schemaRepresentation,
  ScimError,
  serviceProviderConfig,
  GROUP_RESOURCE,
  USER_RESOURCE,
} from '@app/scim-protocol';
import { DirectoryAuth } from '../auth/route-access.decorator';
import { SCIM_PATH, scimTenantUrl } from '../directories/directory-urls.util';
import { SCIM_CONTENT_TYPE } from '../errors/scim-error.util';
import { ScimQuery } from './scim-http.util';
import { SCIM_PAGE } from './scim-users.service';

/**
 * Discovery (RFC 7644 §4), describing exactly what this server supports. Authenticated like the
 * rest of /scim/v2: Entra calls these with its token. They take no filter (403, RFC 7644 §4).
 */
@ApiExcludeController()
@DirectoryAuth()
@Controller(SCIM_PATH)
export class ScimDiscoveryController {
  private readonly baseUrl: string;
  private readonly resources = [USER_RESOURCE, GROUP_RESOURCE];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.baseUrl = scimTenantUrl(config.publicUrl);
  }

  /** `/serviceConfiguration` is the route Microsoft's reference server and test collection use. */
  @Get(['ServiceProviderConfig', 'serviceConfiguration'])
  @Header('content-type', SCIM_CONTENT_TYPE)
  config(@ScimQuery() query: Record<string, string>): unknown {
    refuseDiscoveryFilter(query);
    return serviceProviderConfig({
      baseUrl: this.baseUrl,
      maxResults: SCIM_PAGE.maxCount,
      defaultPageSize: SCIM_PAGE.defaultCount,
      cursorTimeout: SCIM_PAGE.cursorTimeoutSeconds,
    });
  }

  @Get('ResourceTypes')
  @Header('content-type', SCIM_CONTENT_TYPE)
  resourceTypes(@ScimQuery() query: Record<string, string>): unknown {
    refuseDiscoveryFilter(query);
    const items = this.resources.map((r) => resourceTypeRepresentation(r, this.baseUrl));
    return listResponse(items, { totalResults: items.length, startIndex: 1, itemsPerPage: items.length });
  }

  @Get('ResourceTypes/:name')
  @Header('content-type', SCIM_CONTENT_TYPE)
  resourceType(@Param('name') name: string, @ScimQuery() query: Record<string, string>): unknown {
    refuseDiscoveryFilter(query);
    const found = this.resources.find((r) => r.name.toLowerCase() === name.toLowerCase());
    if (!found) throw new ScimError(404, undefined, `Resource type ${name} not found`);
    return resourceTypeRepresentation(found, this.baseUrl);
  }

  @Get('Schemas')
  @Header('content-type', SCIM_CONTENT_TYPE)
  schemas(@ScimQuery() query: Record<string, string>): unknown {
    refuseDiscoveryFilter(query);
    const items = this.served().map((s) => schemaRepresentation(s, this.baseUrl));
    return listResponse(items, { totalResults: items.length, startIndex: 1, itemsPerPage: items.length });
  }

  @Get('Schemas/:id')
  @Header('content-type', SCIM_CONTENT_TYPE)
  schema(@Param('id') id: string, @ScimQuery() query: Record<string, string>): unknown {
    refuseDiscoveryFilter(query);
    const found = this.served().find((s) => s.id.toLowerCase() === id.toLowerCase());
    if (!found) throw new ScimError(404, undefined, `Schema ${id} not found`);
    return schemaRepresentation(found, this.baseUrl);
  }

  private served() {
    const ids = new Set(this.resources.flatMap((r) => [r.core.id, ...r.extensions.map((e) => e.id)]));
    return ALL_SCHEMAS.filter((s) => ids.has(s.id));
  }
}
