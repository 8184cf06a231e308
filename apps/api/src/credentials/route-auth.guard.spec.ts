import { Controller, Get, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { DomainError } from '../common/domain.errors';
import { bearerTokenOf } from '../auth/bearer-token.util';
import { AdminAuth, DirectoryAuth, Public } from '../auth/route-access.decorator';
import { RouteAuthGuard } from './route-auth.guard';
import type { AdminTokenStrategy } from './admin-token.strategy';
import type { DirectoryTokenStrategy } from './directory-token.strategy';
import type { PersonStrategy } from './person.strategy';

@Controller('unclassified')
class Unclassified {
  @Get()
  route(): void {}
}

@AdminAuth()
@Controller('admin')
class AdminRoutes {
  @Get()
  route(): void {}

  @Get('open')
  @Public()
  open(): void {}
}

@DirectoryAuth()
@Controller('scim')
class DirectoryRoutes {
  @Get()
  route(): void {}
}

const admin = { kind: 'admin', userId: 'u', organizationId: 'o', tokenId: 't', via: 'api-token' } as const;
const directory = { kind: 'directory', directoryId: 'd', organizationId: 'o', tokenId: 't', credential: 'scim-token' } as const;

function setup() {
  const calls: string[] = [];
  const strategy = <P>(name: string, accepts: string, principal: P) => ({
    validate: async (token: string): Promise<P | false> => {
      calls.push(`${name}:${token}`);
      return token === accepts ? principal : false;
    },
  });
  const guard = new RouteAuthGuard(
    new Reflector(),
    strategy('admin', 'adm_good', admin) as unknown as AdminTokenStrategy,
    strategy('person', 'ses_good', admin) as unknown as PersonStrategy,
    strategy('directory', 'scim_good', directory) as unknown as DirectoryTokenStrategy,
  );
  const run = async (cls: new () => object, method: string, request: { headers: Record<string, string>; query?: Record<string, string>; user?: unknown }) => {
    const handler = (cls.prototype as Record<string, () => void>)[method];
    return guard.canActivate(new ExecutionContextHost([request, {}], cls as never, handler));
  };
  return { calls, run };
}

const refusal = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'allowed',
    (e: unknown) => (e instanceof DomainError ? { code: e.code, bearerError: e.extra.bearerError } : e),
  );

describe('RouteAuthGuard (deny by default)', () => {
  it('refuses a route that declares no access rule, whatever token it is sent, and asks no strategy', async () => {
    const { calls, run } = setup();
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(await refusal(run(Unclassified, 'route', { headers: { authorization: 'Bearer adm_good' } }))).toEqual({ code: 'UNAUTHENTICATED' });
    expect(calls).toEqual([]);
    expect(logged).toHaveBeenCalledWith('Unclassified.route declares no access rule; refused');
    logged.mockRestore();
  });

  it('lets a @Public() route through without a token, even inside a guarded controller', async () => {
    const { calls, run } = setup();
    expect(await run(AdminRoutes, 'open', { headers: {} })).toBe(true);
    expect(calls).toEqual([]);
  });

  it("asks the route's own strategy for the Authorization header's token and sets the principal", async () => {
    const { calls, run } = setup();
    const request: { headers: Record<string, string>; user?: unknown } = { headers: { authorization: 'bearer adm_good' } };
    expect(await run(AdminRoutes, 'route', request)).toBe(true);
    expect(request.user).toEqual(admin);
    const scim: { headers: Record<string, string>; user?: unknown } = { headers: { authorization: 'Bearer scim_good' } };
    expect(await run(DirectoryRoutes, 'route', scim)).toBe(true);
    expect(scim.user).toEqual(directory);
    expect(calls).toEqual(['admin:adm_good', 'directory:scim_good']);
  });

  it('ignores a token in the query string: no credential was sent', async () => {
    const { calls, run } = setup();
    expect(await refusal(run(AdminRoutes, 'route', { headers: {}, query: { access_token: 'adm_good' } }))).toEqual({ code: 'UNAUTHENTICATED' });
    expect(calls).toEqual([]);
  });

  it('marks a refused token (or a malformed header) invalid_token', async () => {
    const { run } = setup();
    expect(await refusal(run(DirectoryRoutes, 'route', { headers: { authorization: 'Bearer adm_good' } }))).toEqual({
      code: 'UNAUTHENTICATED',
      bearerError: 'invalid_token',
    });
    expect(await refusal(run(AdminRoutes, 'route', { headers: { authorization: 'Basic YTpi' } }))).toEqual({
      code: 'UNAUTHENTICATED',
      bearerError: 'invalid_token',
    });
  });
});

describe('bearerTokenOf', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['Bearer', undefined],
    ['Bearer ', undefined],
    ['Bearer a b', undefined],
    ['Basic abc', undefined],
    [undefined, undefined],
  ])('%p gives %p', (header, token) => {
    expect(bearerTokenOf(header)).toBe(token);
  });
});
