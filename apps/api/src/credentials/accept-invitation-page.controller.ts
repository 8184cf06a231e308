import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Public } from '../auth/guards';

const SCRIPT = `
const token = new URLSearchParams(location.search).get('token') || '';
history.replaceState(null, '', location.pathname);
const form = document.querySelector('form');
const out = document.querySelector('output');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const res = await fetch('/api/v1/invitations/accept', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password: form.password.value }),
  });
  const body = await res.json().catch(() => ({}));
  out.textContent = res.ok ? 'Your account is ready: sign in with your email and this password.' : (body.message || 'Something went wrong');
  if (res.ok) form.hidden = true;
});`;

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The default target of invitation links (`INVITE_URL` unset): a bare page that sets the
 * password through POST /api/v1/invitations/accept, so an invitation works end to end without a
 * front end. The token never reaches a log (the request log redacts `token=`), the page drops it
 * from the address bar, and no Referer carries it elsewhere.
 */
@ApiExcludeController()
@Public()
@Controller('accept-invitation')
export class AcceptInvitationPageController {
  private readonly html: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const product = escape(config.productName);
    this.html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Join ${product}</title></head><body style="font-family:sans-serif;max-width:28rem;margin:3rem auto">
<h1>Join ${product}</h1><form><label>Choose a password (at least 10 characters)<br>
<input name="password" type="password" minlength="10" required autocomplete="new-password"></label>
<p><button>Set password</button></p></form><p><output></output></p><script>${SCRIPT}</script></body></html>`;
  }

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('referrer-policy', 'no-referrer')
  @Header('cache-control', 'no-store')
  @Header('content-security-policy', `default-src 'none'; connect-src 'self'; script-src 'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'; form-action 'none'; frame-ancestors 'none'`)
  page(): string {
    return this.html;
  }
}
