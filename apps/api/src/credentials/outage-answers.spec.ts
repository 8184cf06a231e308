import { Controller, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { DirectoryAuth } from '../auth/route-access.decorator';
import { RouteAuthGuard } from './route-auth.guard';
import type { AdminTokenStrategy } from './admin-token.strategy';
import type { DirectoryTokenStrategy } from './directory-token.strategy';
import type { PersonStrategy } from './person.strategy';

/** A database outage during a token lookup must reach the exception filter as itself (a 503, errors/outage-answers.spec.ts), never as a 401. */
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });

describe('outage answers', () => {
  describe('the global bearer guard', () => {
    @DirectoryAuth()
    @Controller('scim')
    class ScimRoutes {
      @Get()
      route(): void {}
    }
    const principal = { kind: 'directory', directoryId: 'd', organizationId: 'o', tokenId: 't' } as const;
    const guardWhoseLookup = (validate: (token: string) => Promise<unknown>) => {
      const strategy = { validate } as unknown as DirectoryTokenStrategy;
      const guard = new RouteAuthGuard(new Reflector(), strategy as unknown as AdminTokenStrategy, strategy as unknown as PersonStrategy, strategy);
      return (token: string) =>
        // eslint-disable-next-line @typescript-eslint/unbound-method -- the guard reads the handler's metadata, never calls it
        guard.canActivate(new ExecutionContextHost([{ headers: { authorization: `Bearer ${token}` } }, {}], ScimRoutes as never, ScimRoutes.prototype.route));
    };

    it('passes a lookup that failed through as itself, never as a 401', async () => {
      await expect(guardWhoseLookup(() => Promise.reject(refused))('scim_x')).rejects.toBe(refused);
    });

    it('answers 401 for no such token, and lets a known one in (controls)', async () => {
      await expect(guardWhoseLookup(async () => false)('scim_x')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(guardWhoseLookup(async () => principal)('scim_x')).resolves.toBe(true);
    });
  });
});
