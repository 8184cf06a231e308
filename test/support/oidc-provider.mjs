// A real OpenID provider (the `oidc-provider` package, ESM-only) in its own process, for the SSO
// e2e suite: `node test/support/oidc-provider.mjs` with CLIENT_ID, CLIENT_SECRET, REDIRECT_URI
// and optionally CLOCK_OFFSET_SECONDS (a provider whose clock runs behind issues ID tokens that
// are already expired). Its built-in login form (devInteractions) accepts any password for a
// known account; tests set the accounts with `PUT /test/accounts` (a JSON object of id -> claims).
// It prints `{"issuer":"http://127.0.0.1:<port>"}` on stdout once it listens.
import { createServer } from 'node:http';

const offset = Number(process.env.CLOCK_OFFSET_SECONDS ?? 0) * 1000;
if (offset) {
  const realNow = Date.now;
  Date.now = () => realNow() + offset;
}
const { default: Provider } = await import('oidc-provider');

let accounts = {};
const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: [process.env.REDIRECT_URI],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  async findAccount(_ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
  // Entra's claims: tenant (tid), object id (oid), and the optional xms_edov.
  claims: { openid: ['sub', 'tid', 'oid'], email: ['email', 'email_verified', 'xms_edov'], profile: ['name'] },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600 },
  cookies: { keys: ['test-only-cookie-key'] },
});
provider.on('server_error', (_ctx, err) => console.error('provider server_error', err));

const handler = provider.callback();
server.on('request', (req, res) => {
  if (req.method === 'PUT' && req.url === '/test/accounts') {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      accounts = JSON.parse(body);
      res.writeHead(204).end();
    });
    return;
  }
  handler(req, res);
});
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
