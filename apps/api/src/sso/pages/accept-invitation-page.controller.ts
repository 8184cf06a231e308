import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Public } from '../../auth/route-access.decorator';
import { InvitationAcceptanceService } from '../../credentials/invitation-acceptance.service';
import { passwordSignInAllowed, SsoConfigService } from '../sso-config.service';
import { escapeHtml, renderPage } from './html-page.util';
import { sendPage } from './sso.pages';

const SCRIPT = `
const token = new URLSearchParams(location.search).get('token') || '';
history.replaceState(null, '', location.pathname);
const form = document.querySelector('form');
const out = document.querySelector('output');
if (form) form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const res = await fetch('/api/v1/invitations/accept', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password: form.password.value }),
  });
  const body = await res.json().catch(() => ({}));
  out.textContent = res.ok ? 'Your account is ready: sign in with your email and this password.' : (body.message || 'Something went wrong');
  out.className = res.ok ? '' : 'error';
  if (res.ok) form.hidden = true;
});`;

/**
 * The default target of invitation links (`INVITE_URL` unset), so an invitation works end to end
 * without a front end. It offers "Sign in with <provider>" when the invitation's organisation has
 * single sign-on, and the password form only while that organisation allows passwords. The token
 * never reaches a log (the request log redacts `token=`), the page drops it from the address bar,
 * and no Referer carries it elsewhere.
 */
@ApiExcludeController()
@Public()
@Controller('accept-invitation')
export class AcceptInvitationPageController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly invitations: InvitationAcceptanceService,
    private readonly sso: SsoConfigService,
  ) {}

  @Get()
  async page(@Query('token') token: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const product = this.config.productName;
    const invitation = typeof token === 'string' ? await this.invitations.openInvitation(token) : null;
    const sso = invitation ? await this.sso.find(invitation.organizationId) : null;
    const parts = [`<h1>Join ${escapeHtml(product)}</h1>`];
    if (!invitation) {
      parts.push(
        '<p class="error" role="alert">This invitation link is not valid (already used, replaced by a newer one, expired or mistyped). Ask an admin to send a new one.</p>',
      );
    } else {
      if (sso?.enabled) {
        const start = new URLSearchParams({ organizationId: invitation.organizationId, ...(invitation.email ? { email: invitation.email } : {}) });
        parts.push(`<a class="button" href="/api/v1/auth/sso/start?${escapeHtml(start.toString())}">Sign in with ${escapeHtml(sso.providerName)}</a>`);
      }
      if (passwordSignInAllowed(sso)) {
        if (sso?.enabled) parts.push('<p class="or">or choose a password</p>');
        parts.push(`<form><label for="password">Choose a password (at least 10 characters)</label>
<input id="password" name="password" type="password" minlength="10" required autocomplete="new-password">
<button class="button${sso?.enabled ? ' secondary' : ''}">Set password</button></form><p><output aria-live="polite"></output></p>`);
      }
    }
    sendPage(reply, 200, renderPage(product, `Join ${product}`, parts.join('\n'), SCRIPT));
  }
}
