import { QueryFailedError } from 'typeorm';
import { redactUrl, serializeError } from './logging';

describe('serializeError', () => {
  const secret = 'hunter2-secret';
  const failedQuery = (): QueryFailedError => {
    const driverError = Object.assign(new Error("Table 'app.user_emails' doesn't exist"), {
      code: 'ER_NO_SUCH_TABLE',
      errno: 1146,
      sql: `INSERT INTO user_emails VALUES ('${secret}')`,
      sqlMessage: "Table 'app.user_emails' doesn't exist",
    });
    return new QueryFailedError('INSERT INTO user_emails VALUES (?)', [secret], driverError);
  };

  it("drops the statement, the bound values and the driver's copies; keeps type, message, stack and code", () => {
    const err = failedQuery();
    expect(JSON.stringify(err)).toContain(secret); // what pino's standard serializer would write
    const out = serializeError(err) as Record<string, unknown>;
    expect(JSON.stringify(out)).not.toContain(secret);
    expect(out).toMatchObject({ type: 'QueryFailedError', message: "Table 'app.user_emails' doesn't exist", code: 'ER_NO_SUCH_TABLE', errno: 1146 });
    expect(out.stack).toEqual(err.stack);
    for (const key of ['query', 'parameters', 'sql', 'sqlMessage', 'driverError']) expect([key, out[key]]).toEqual([key, undefined]);
    // The error itself is left as it was.
    expect(err.parameters).toEqual([secret]);
  });

  it('scrubs errors nested under other properties and errors pino-http already serialized', () => {
    const wrapper = Object.assign(new Error('Could not record session use'), { inner: failedQuery() });
    expect(JSON.stringify(serializeError(wrapper))).not.toContain(secret);
    const preSerialized = { type: 'QueryFailedError', message: 'boom', stack: 'at x', parameters: [secret], query: 'SELECT ?' };
    expect(serializeError(preSerialized)).toEqual({ type: 'QueryFailedError', message: 'boom', stack: 'at x' });
  });

  it('leaves an ordinary error whole (positive control)', () => {
    const err = Object.assign(new Error('Mail server refused'), { code: 'EAUTH', responseCode: 535 });
    expect(serializeError(err)).toMatchObject({ type: 'Error', message: 'Mail server refused', code: 'EAUTH', responseCode: 535, stack: err.stack });
  });
});

describe('redactUrl', () => {
  it('masks access_token, token and client_secret query values, and nothing else', () => {
    expect(redactUrl('/scim/v2/Users?access_token=scim_abc&count=1')).toBe('/scim/v2/Users?access_token=[Redacted]&count=1');
    expect(redactUrl('/oauth/token?client_id=c&client_secret=ocs_abc')).toBe('/oauth/token?client_id=c&client_secret=[Redacted]');
    expect(redactUrl('/accept-invitation?token=inv_abc')).toBe('/accept-invitation?token=[Redacted]');
    expect(redactUrl('/api/v1/auth/sso/callback?code=abc&state=xyz&iss=https%3A%2F%2Fidp')).toBe(
      '/api/v1/auth/sso/callback?code=[Redacted]&state=[Redacted]&iss=https%3A%2F%2Fidp',
    );
    expect(redactUrl('/sso/return?code=ssoc_abc')).toBe('/sso/return?code=[Redacted]');
    expect(redactUrl('/api/v1/auth/sso/start?email=a%40b.test')).toBe('/api/v1/auth/sso/start?email=[Redacted]');
    // Only whole parameter names: `session_state` is not `state`, `zipcode` not `code`.
    expect(redactUrl('/x?zipcode=1')).toBe('/x?zipcode=1');
    expect(redactUrl('/scim/v2/Users?filter=x')).toBe('/scim/v2/Users?filter=x');
  });
});
