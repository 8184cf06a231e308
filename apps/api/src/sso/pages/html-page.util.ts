import { createHash } from 'node:crypto';

/**
 * The small pages people see (invitation, SSO return, SSO errors): one stylesheet inlined and
 * allowed by its hash, scripts allowed by theirs, nothing loaded from anywhere, so the CSP stays
 * `default-src 'none'`. Colours pass WCAG AA contrast (text #1b1f29 on #fff, links and buttons
 * #1d4ed8 with white text), focus is always visible, and every control has a label.
 */
const STYLE = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:#f3f4f7;color:#1b1f29;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:26rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.product{margin:0 0 1.5rem;font-weight:700;letter-spacing:.02em;color:#1d4ed8}
h1{font-size:1.5rem;margin:0 0 1rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input{width:100%;padding:.6rem .7rem;font:inherit;border:1px solid #6b7280;border-radius:6px}
.button{display:block;width:100%;margin-top:1rem;padding:.7rem 1rem;font:inherit;font-weight:600;text-align:center;text-decoration:none;color:#fff;background:#1d4ed8;border:0;border-radius:6px;cursor:pointer}
.button.secondary{color:#1d4ed8;background:#fff;border:1px solid #1d4ed8}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.or{margin:1.5rem 0 0;text-align:center;color:#4b5563}
.error{display:block;padding:.75rem;border-left:4px solid #b91c1c;background:#fef2f2;color:#7f1d1d}
code{font-size:.9em}
`;

const sha256 = (s: string): string => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface RenderedPage {
  html: string;
  /** Content-Security-Policy for this page (inline style and script allowed by hash only). */
  csp: string;
}

/** A page: `body` is trusted HTML (callers escape what they interpolate); `script` is inline JS. */
export function renderPage(productName: string, title: string, body: string, script?: string): RenderedPage {
  const product = escapeHtml(productName);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${product}</title><style>${STYLE}</style></head>
<body><main><p class="product">${product}</p>${body}</main>${script ? `<script>${script}</script>` : ''}</body></html>`;
  const csp = [
    "default-src 'none'",
    `style-src ${sha256(STYLE)}`,
    script ? `script-src ${sha256(script)}` : "script-src 'none'",
    "connect-src 'self'",
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, csp };
}
