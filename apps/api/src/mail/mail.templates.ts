/** The emails the service sends, each with the data its template needs. */
export interface InvitationMailData {
  productName: string;
  organizationName: string;
  inviteeName: string | null;
  inviterName: string | null;
  /** The single-use accept link; a secret, removed from the outbox once the message is sent. */
  acceptUrl: string;
  /** ISO 8601. */
  expiresAt: string;
}

/** A directory turned `failing` (issue 11 §4): sent to the organisation's admins once per transition. */
export interface DirectoryFailingMailData {
  productName: string;
  organizationName: string;
  directoryName: string;
  /** The admin API path of the directory's health, e.g. `/api/v1/directories/<id>/health`. */
  healthUrl: string;
  failuresLastHour: number;
  topErrorCode: string | null;
  /** Quoted values already masked by the provisioning log. */
  topErrorMessage: string | null;
}

/** A directory's mass-deprovisioning guard tripped (issue 11 §3): sent to the admins once per trip. */
export interface DeprovisionsHeldMailData {
  productName: string;
  organizationName: string;
  directoryName: string;
  /** People held when the guard tripped (more may follow until an admin decides). */
  heldCount: number;
  /** The admin API list of the held people, e.g. `…/api/v1/directories/<id>/held-deprovisions`. */
  reviewUrl: string;
}

export type MailMessage =
  | { template: 'invitation'; data: InvitationMailData }
  | { template: 'directory-failing'; data: DirectoryFailingMailData }
  | { template: 'deprovisions-held'; data: DeprovisionsHeldMailData };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Fields of each template's data that are secrets (scrubbed from the outbox after sending). */
export const SECRET_FIELDS: { [T in MailMessage['template']]: ReadonlyArray<keyof Extract<MailMessage, { template: T }>['data']> } = {
  invitation: ['acceptUrl'],
  'directory-failing': [],
  'deprovisions-held': [],
};

/** What a secret field of a sent (or abandoned) message's payload is replaced with. */
export const SCRUBBED = '[removed]';

export function render(message: MailMessage): RenderedMail {
  switch (message.template) {
    case 'invitation':
      return renderInvitation(message.data);
    case 'directory-failing':
      return renderDirectoryFailing(message.data);
    case 'deprovisions-held':
      return renderDeprovisionsHeld(message.data);
  }
}

/**
 * The stored payload with the template's secret fields replaced by SCRUBBED, so the outbox keeps
 * who was mailed what, but no longer a usable link. A payload that is not JSON is dropped whole.
 */
export function scrubPayload(template: string, payload: string): string {
  const secrets: ReadonlyArray<string> = SECRET_FIELDS[template as MailMessage['template']] ?? [];
  let data: unknown;
  try {
    data = JSON.parse(payload);
  } catch {
    return JSON.stringify({ payload: SCRUBBED });
  }
  if (typeof data !== 'object' || data === null) return JSON.stringify({ payload: SCRUBBED });
  const scrubbed: Record<string, unknown> = { ...data };
  for (const field of secrets) if (field in scrubbed) scrubbed[field] = SCRUBBED;
  return JSON.stringify(scrubbed);
}

function renderInvitation(d: InvitationMailData): RenderedMail {
  const subject = `You're invited to join ${d.organizationName} on ${d.productName}`;
  const expires = formatExpiry(d.expiresAt);
  const invitedBy = d.inviterName ? `${d.inviterName} has invited you` : 'You have been invited';

  const text = [
    d.inviteeName ? `Hello ${d.inviteeName},` : 'Hello,',
    '',
    `${invitedBy} to join ${d.organizationName} on ${d.productName}.`,
    '',
    'Accept the invitation by opening this link:',
    d.acceptUrl,
    '',
    `The link can be used once and expires on ${expires}.`,
    'If you did not expect this invitation, you can ignore this email.',
    '',
  ].join('\n');

  // Every interpolated value is escaped: names come from the directory and are not trusted.
  const e = escapeHtml;
  const html = htmlDocument(subject, [
    `<p>${d.inviteeName ? `Hello ${e(d.inviteeName)},` : 'Hello,'}</p>`,
    `<p>${d.inviterName ? `${e(d.inviterName)} has invited you` : 'You have been invited'} to join <strong>${e(d.organizationName)}</strong> on ${e(d.productName)}.</p>`,
    `<p><a href="${e(d.acceptUrl)}">Accept the invitation</a></p>`,
    `<p>Or copy this link into your browser:<br>${e(d.acceptUrl)}</p>`,
    `<p>The link can be used once and expires on ${e(expires)}.<br>If you did not expect this invitation, you can ignore this email.</p>`,
  ]);

  return { subject, text, html };
}

function renderDirectoryFailing(d: DirectoryFailingMailData): RenderedMail {
  const subject = `Provisioning from ${d.directoryName} is failing`;
  const error = d.topErrorCode ? `${d.topErrorCode}${d.topErrorMessage ? `: ${d.topErrorMessage}` : ''}` : 'no error code recorded';
  const lines = [
    `Provisioning requests from the directory "${d.directoryName}" of ${d.organizationName} are failing:`,
    `${d.failuresLastHour} failed in the last hour, and the most recent one failed too.`,
    '',
    `Most frequent error: ${error}`,
    '',
    `See the directory's health (${d.healthUrl}) and its provisioning log for details, and Entra's provisioning logs for what it sent.`,
    `You will get this email again only if the directory recovers and then fails again.`,
    '',
  ];
  return plainMail(subject, lines);
}

function renderDeprovisionsHeld(d: DeprovisionsHeldMailData): RenderedMail {
  const subject = `Deprovisioning from ${d.directoryName} is on hold: ${d.heldCount} people`;
  const lines = [
    `The directory "${d.directoryName}" of ${d.organizationName} asked to deactivate or delete more people than its mass-deprovisioning guard allows.`,
    `${d.heldCount} people are held: they cannot sign in, but they are not archived, and their history, groups and links are kept.`,
    '',
    `Review them and approve or reject: ${d.reviewUrl}`,
    'Until you decide, further deactivations from this directory are held too; creates and updates keep flowing.',
    'If the change was a mistake (a scoping filter, an unassigned group), fix it in Entra ID first, then reject.',
    '',
  ];
  return plainMail(subject, lines);
}

/** A mail of plain lines: the text joined, and each non-empty line an escaped HTML paragraph. */
function plainMail(subject: string, lines: string[]): RenderedMail {
  return {
    subject,
    text: lines.join('\n'),
    html: htmlDocument(
      subject,
      lines.filter(Boolean).map((l) => `<p>${escapeHtml(l)}</p>`),
    ),
  };
}

/** The HTML document around a mail's paragraphs (already escaped), titled with its subject. */
function htmlDocument(subject: string, paragraphs: string[]): string {
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5">',
    ...paragraphs,
    '</body></html>',
    '',
  ].join('\n');
}

/** "8 March 2026 at 14:05 UTC": one unambiguous form for every recipient, whatever their time zone. */
function formatExpiry(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const formatted = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(date);
  return `${formatted} UTC`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
