import type { FastifyReply } from 'fastify';
import type { ErrorCode } from '../../common/domain.errors';
import { escapeHtml, RenderedPage, renderPage } from './html-page.util';

/** What a person reads for each refusal; the stable code is shown too, for the helpdesk. */
const MESSAGES: Partial<Record<ErrorCode, string>> = {
  SSO_NOT_CONFIGURED: 'Single sign-on is not set up for your organisation. Sign in with your password, or ask an admin.',
  SSO_TENANT_NOT_ALLOWED: 'Your Microsoft account belongs to a tenant this organisation does not allow.',
  SSO_NO_ACCOUNT: 'No account of this organisation belongs to you yet. Ask an admin to add and invite you.',
  SSO_NOT_INVITED: 'You have not been invited yet. Ask an admin to invite you, then sign in again.',
  SSO_ACCOUNT_DISABLED: 'This account is no longer active. Ask an admin if you think this is a mistake.',
  SSO_STATE_INVALID: 'This sign-in attempt expired or was started in another browser. Start again.',
  SSO_ID_TOKEN_INVALID: 'The answer of the identity provider could not be verified. Start again.',
  SSO_PROVIDER_ERROR: 'The identity provider did not complete the sign-in. Start again.',
  SSO_ISSUER_INVALID: 'Single sign-on is misconfigured for your organisation. Ask an admin.',
  IDENTITY_PROVIDER_UNAVAILABLE: 'The identity provider cannot be reached right now. Try again in a minute.',
  DATABASE_UNAVAILABLE: 'The service is briefly unavailable. Try again in a minute.',
};

export function ssoErrorPage(productName: string, code: string, fallback: string): RenderedPage {
  const message = MESSAGES[code as ErrorCode] ?? fallback;
  return renderPage(
    productName,
    'Sign-in did not work',
    `<h1>Sign-in did not work</h1><p class="error" role="alert">${escapeHtml(message)}</p><p>Reference: <code>${escapeHtml(code)}</code></p>`,
  );
}

/** The default SSO_RETURN_URL: exchanges the one-time code for a session and says who signed in. */
const RETURN_SCRIPT = `
const code = new URLSearchParams(location.search).get('code') || '';
history.replaceState(null, '', location.pathname);
const out = document.querySelector('output');
(async () => {
  const res = await fetch('/api/v1/auth/sso/exchange', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  const body = await res.json().catch(() => ({}));
  if (res.ok) {
    sessionStorage.setItem('session', body.token);
    document.querySelector('h1').textContent = 'You are signed in';
    out.textContent = 'Signed in as ' + (body.user.displayName || body.user.email) + '.';
  } else {
    document.querySelector('h1').textContent = 'Sign-in did not work';
    out.textContent = (body.message || 'Something went wrong') + ' (' + (body.code || res.status) + ')';
    out.className = 'error';
  }
})();`;

export function ssoReturnPage(productName: string): RenderedPage {
  return renderPage(productName, 'Signing in', `<h1>Signing in…</h1><p><output aria-live="polite">One moment.</output></p>`, RETURN_SCRIPT);
}

/** Sends a page with its own CSP; never cached, never a Referer. */
export function sendPage(reply: FastifyReply, status: number, page: RenderedPage, headers: Record<string, string> = {}): void {
  void reply
    .status(status)
    .headers({
      ...headers,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': page.csp,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    })
    .send(page.html);
}
