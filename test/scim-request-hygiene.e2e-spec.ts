import { request as httpRequest } from 'node:http';
import { testEngines } from './support/databases';
import { startTestApp, TestApp } from './support/app';
import { expectScimError, expectStatus, ScimClient, simpleUser, uniqueName } from './support/scim-client';

interface RawAnswer {
  status: number;
  contentType: string | undefined;
  body: string;
}

/**
 * Issue #10 §5: request hygiene. Every refusal under /scim/v2 is a SCIM Error, including the
 * ones Fastify and Node make before a route runs; query parameters are single strings; filter
 * values take double quotes; discovery takes no filter. Each rule has its positive control.
 */
describe.each(testEngines())('SCIM request hygiene (%s)', (engine) => {
  let h: TestApp;
  let scim: ScimClient;
  let userName: string;

  /** A request over a fresh socket, so a refusal that closes the connection cannot affect the next. */
  function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> {
    const { port } = h.app.getHttpServer().address() as { port: number };
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: text }));
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  const auth = (): Record<string, string> => ({ authorization: `Bearer ${scim.token}` });

  function expectRawScimError(res: RawAnswer, status: number): void {
    expect(res.status).toBe(status);
    expect(res.contentType).toMatch(/^application\/scim\+json/);
    expect(JSON.parse(res.body)).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: String(status),
      detail: expect.any(String),
    });
  }

  beforeAll(async () => {
    h = await startTestApp(engine);
    scim = (await (await h.organization()).directory()).scim();
    userName = uniqueName('hygiene');
    await scim.create(simpleUser(userName));
    await scim.create(simpleUser(uniqueName('other')));
  });
  afterAll(() => h.close());

  describe('query parameters are single strings', () => {
    it('refuses the object syntax filter[userName]=x (it used to answer the whole roster)', async () => {
      expectScimError(await scim.get(`/Users?filter[userName]=${encodeURIComponent(userName)}`), 400, 'invalidFilter');
    });

    it('refuses a repeated filter, and a repeated or object-syntax count', async () => {
      const f = encodeURIComponent(`userName eq "${userName}"`);
      expectScimError(await scim.get(`/Users?filter=${f}&filter=${f}`), 400, 'invalidFilter');
      expectScimError(await scim.get('/Users?count=1&count=2'), 400, 'invalidValue');
      expectScimError(await scim.get('/Groups?startIndex[gt]=1'), 400, 'invalidValue');
      expectScimError(await scim.get(`/Users/${'0'.repeat(8)}?attributes=id&attributes=userName`), 400, 'invalidValue');
    });

    it("positive control: one filter, Entra's value-less flag and paging parameters still work", async () => {
      const body = await scim.list(`userName eq "${userName}"`, { aadOptscim062020: '', count: '5', startIndex: '1' });
      expect(body.totalResults).toBe(1);
      expect(body.Resources[0].userName).toBe(userName);
    });
  });

  describe('filter values are JSON strings', () => {
    it('refuses a single-quoted value with invalidFilter', async () => {
      expectScimError(await scim.filter(`userName eq '${userName}'`), 400, 'invalidFilter');
    });

    it('positive control: a double-quoted value matches, and the documented bare-word leniency stays', async () => {
      expect(await scim.lookup(userName)).toHaveLength(1);
      const bare = await scim.list(`userName sw ${userName.slice(0, 8)}`);
      expect(bare.totalResults).toBeGreaterThanOrEqual(1);
    });
  });

  describe('discovery endpoints take no filter', () => {
    it.each(['/Schemas', '/ResourceTypes', '/ServiceProviderConfig'])('%s?filter=… answers 403', async (path) => {
      expectScimError(await scim.get(`${path}?filter=${encodeURIComponent('id eq "x"')}`), 403);
    });

    it('positive control: without a filter they answer 200', async () => {
      for (const path of ['/Schemas', '/ResourceTypes', '/ServiceProviderConfig']) expectStatus(await scim.get(path), 200);
    });
  });

  describe("the framework's own refusals are SCIM Errors", () => {
    it('404 for an unknown route and for a method a route does not take', async () => {
      expectScimError(await scim.get('/Nope'), 404);
      expectScimError(await scim.delete('/Users'), 404);
    });

    it('414 for a path segment longer than the router takes', async () => {
      expectRawScimError(await raw('GET', `/scim/v2/Users/${'x'.repeat(300)}`, auth()), 414);
    });

    it('431 for headers too large, and for a URL too long to parse', async () => {
      expectRawScimError(await raw('GET', '/scim/v2/Users', { ...auth(), 'x-padding': 'y'.repeat(20_000) }), 431);
      expectRawScimError(await raw('GET', `/scim/v2/Users?filter=${'x'.repeat(20_000)}`, auth()), 431);
    });

    it('431 outside /scim keeps the REST error shape (positive control for the transport choice)', async () => {
      const res = await raw('GET', '/api/v1/users', { 'x-padding': 'y'.repeat(20_000) });
      expect(res.status).toBe(431);
      expect(res.contentType).toMatch(/^application\/json/);
      expect(JSON.parse(res.body)).toMatchObject({ statusCode: 431, code: 'HEADERS_TOO_LARGE' });
    });

    it('413 for a body over the limit, refused from its declared length', async () => {
      // Only the headers are sent: the server refuses on Content-Length before reading a byte,
      // so the answer arrives whole however fast the client writes.
      const res = await raw('POST', '/scim/v2/Users', { ...auth(), 'content-type': 'application/scim+json', 'content-length': String(2 * 1024 * 1024) });
      expectRawScimError(res, 413);
    });

    it('415 for a Content-Encoding the server does not decode, and nothing is created', async () => {
      const name = uniqueName('gzip');
      const res = await raw(
        'POST',
        '/scim/v2/Users',
        { ...auth(), 'content-type': 'application/scim+json', 'content-encoding': 'gzip' },
        JSON.stringify(simpleUser(name)),
      );
      expectRawScimError(res, 415);
      expect(await scim.lookup(name)).toHaveLength(0);
    });

    it('positive control: Content-Encoding identity is a plain body', async () => {
      const name = uniqueName('identity');
      const res = await raw(
        'POST',
        '/scim/v2/Users',
        { ...auth(), 'content-type': 'application/scim+json', 'content-encoding': 'identity' },
        JSON.stringify(simpleUser(name)),
      );
      expect(res.status).toBe(201);
      expect(await scim.lookup(name)).toHaveLength(1);
    });
  });

  it('answered no 5xx', () => {
    expect(h.serverErrors()).toEqual([]);
  });
});
