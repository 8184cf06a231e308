import { InvitationMailData, render, SCRUBBED, scrubPayload } from './mail.templates';

const LINK = 'https://app.example.test/accept-invitation?token=inv_secret123&x=1';

const invitation = (overrides: Partial<InvitationMailData> = {}): InvitationMailData => ({
  productName: 'Frankli',
  organizationName: 'Contoso',
  inviteeName: 'Ada Lovelace',
  inviterName: 'Grace Hopper',
  acceptUrl: LINK,
  expiresAt: '2030-03-08T14:05:00.000Z',
  ...overrides,
});

describe('render(invitation)', () => {
  it('names the organization and product in the subject, greets the invitee and mentions the inviter', () => {
    const mail = render({ template: 'invitation', data: invitation() });
    expect(mail.subject).toBe("You're invited to join Contoso on Frankli");
    expect(mail.text).toContain('Hello Ada Lovelace,');
    expect(mail.text).toContain('Grace Hopper has invited you to join Contoso on Frankli.');
    expect(mail.html).toContain('Hello Ada Lovelace,');
    expect(mail.html).toContain('Grace Hopper has invited you');
  });

  it('puts the accept link in both bodies (escaped in HTML) and states the expiry in UTC', () => {
    const mail = render({ template: 'invitation', data: invitation() });
    expect(mail.text).toContain(LINK);
    expect(mail.html).toContain('href="https://app.example.test/accept-invitation?token=inv_secret123&amp;x=1"');
    expect(mail.text).toContain('8 March 2030 at 14:05 UTC');
    expect(mail.html).toContain('8 March 2030 at 14:05 UTC');
  });

  it('escapes every interpolated value in HTML', () => {
    const mail = render({
      template: 'invitation',
      data: invitation({
        organizationName: 'R&D <Labs>',
        inviteeName: '<script>alert(1)</script>',
        inviterName: 'Bob "the" O\'Brien',
        productName: 'P<b>',
        acceptUrl: 'https://x.test/a?b="><img src=x>',
      }),
    });
    expect(mail.html).not.toMatch(/<script|<img|<Labs>|<b>|"><img/);
    expect(mail.html).toContain('R&amp;D &lt;Labs&gt;');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('Bob &quot;the&quot; O&#39;Brien');
    expect(mail.html).toContain('href="https://x.test/a?b=&quot;&gt;&lt;img src=x&gt;"');
    // The plain-text body and the subject are not HTML: they keep the names as written.
    expect(mail.subject).toBe("You're invited to join R&D <Labs> on P<b>");
    expect(mail.text).toContain('Hello <script>alert(1)</script>,');
  });

  it('never prints "null" when the names are unknown', () => {
    const mail = render({ template: 'invitation', data: invitation({ inviteeName: null, inviterName: null }) });
    for (const body of [mail.subject, mail.text, mail.html]) {
      expect(body).not.toMatch(/null|undefined/i);
    }
    expect(mail.text).toMatch(/^Hello,\n/);
    expect(mail.text).toContain('You have been invited to join Contoso on Frankli.');
    expect(mail.html).toContain('<p>Hello,</p>');
    expect(mail.html).toContain('You have been invited to join');
  });
});

describe('scrubPayload', () => {
  it('replaces the secret fields of the template and keeps the rest', () => {
    const scrubbed = JSON.parse(scrubPayload('invitation', JSON.stringify(invitation())));
    expect(scrubbed).toEqual({ ...invitation(), acceptUrl: SCRUBBED });
    expect(JSON.stringify(scrubbed)).not.toContain('inv_secret123');
  });

  it('drops a payload it cannot read rather than keep a secret in it', () => {
    expect(scrubPayload('invitation', `not json ${LINK}`)).not.toContain('inv_secret123');
  });
});
