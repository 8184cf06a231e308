import { discoveryUrl, isEntraTemplate, issuerProblem } from './oidc-client.service';

describe('discoveryUrl', () => {
  const template = 'https://login.microsoftonline.com/{tenantid}/v2.0';

  it.each([
    ['any issuer as given', 'https://idp.example.com/realms/x', [], 'https://idp.example.com/realms/x'],
    [
      "Entra's template with one tenant: that tenant's issuer",
      template,
      ['72f988bf-86f1-41af-91ab-2d7cd011db47'],
      'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
    ],
    ["Entra's template with several tenants: the organizations authority", template, ['a', 'b'], 'https://login.microsoftonline.com/organizations/v2.0'],
    ["Entra's template with no tenant list: the organizations authority", template, [], 'https://login.microsoftonline.com/organizations/v2.0'],
  ])('%s', (_name, issuer, tenants, expected) => {
    expect(discoveryUrl(issuer, tenants).href).toBe(expected);
  });

  it('recognises the template', () => {
    expect(isEntraTemplate(template)).toBe(true);
    expect(isEntraTemplate('https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0')).toBe(false);
  });
});

describe('issuerProblem', () => {
  it.each([
    ['https://login.microsoftonline.com/{tenantid}/v2.0', false, null],
    ['https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0', false, null],
    ['https://accounts.example.com', false, null],
    ['http://127.0.0.1:4000', false, /https:\/\/ URL/],
    ['http://127.0.0.1:4000', true, null],
    ['ftp://idp.example.com', true, /https:\/\/ URL/],
    ['idp.example.com', false, /absolute URL/],
    ['https://idp.example.com/{tenantid}/v2.0', false, /login\.microsoftonline\.com only/],
    ['https://idp.example.com/?x=1', false, /query or fragment/],
  ])('%s (OIDC_ALLOW_HTTP=%s)', (issuer, allowHttp, expected) => {
    const problem = issuerProblem(issuer, allowHttp);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});
