import { FastifyAdapter } from '@nestjs/platform-fastify';
import { loadConfig } from '@app/config';

/**
 * What each TRUST_PROXY form makes of `request.ip` (the address the sign-in limits count), when
 * the balancer at 127.0.0.1 appends the real client (203.0.113.7) to a forged X-Forwarded-For.
 * The same config value is what bootstrap.ts hands Fastify.
 */
describe('TRUST_PROXY and the client address', () => {
  const ipSeenWith = async (trustProxyEnv: string | undefined): Promise<string> => {
    const { trustProxy } = loadConfig(trustProxyEnv === undefined ? {} : { TRUST_PROXY: trustProxyEnv });
    const fastify = new FastifyAdapter({ trustProxy }).getInstance();
    fastify.get('/', async (request) => ({ ip: request.ip }));
    try {
      const res = await fastify.inject({ method: 'GET', url: '/', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' } });
      return res.json<{ ip: string }>().ip;
    } finally {
      await fastify.close();
    }
  };

  it.each([
    ['unset (no proxy): the socket peer', undefined, '127.0.0.1'],
    ['false: the socket peer', 'false', '127.0.0.1'],
    ['1 hop: the address the balancer saw, whatever the client wrote', '1', '203.0.113.7'],
    ["the balancer's address: the address it saw", '127.0.0.1', '203.0.113.7'],
    ["the balancer's CIDR: the address it saw", '127.0.0.0/8,::1', '203.0.113.7'],
    ['2 hops: one hop more than there is, so the forged entry', '2', '6.6.6.6'],
    ['true (every hop): the forged entry', 'true', '6.6.6.6'],
  ])('%s', async (_label, env, expected) => {
    expect(await ipSeenWith(env)).toBe(expected);
  });
});
