import { DEMO_USERS } from './users.ts'

/** Text for HTML: every character that could open markup or end an attribute is escaped. */
export const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

const STYLE = `body{font-family:system-ui,sans-serif;max-width:26rem;margin:10vh auto;padding:0 1rem;color:#151515}
label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem}table{border-collapse:collapse;margin-top:1.5rem;font-size:.9rem}
td,th{border:1px solid #d2d2d2;padding:.25rem .5rem;text-align:left}.error{color:#a30000}`

/** A whole page: no script, no external resource (the CSP the server sends allows neither). */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`
}

/** The sign-in form of one interaction; lists the demo users and their passwords when asked. */
export function loginPage(options: {
  uid: string
  clientName: string
  error?: string
  username?: string
  showDemoPasswords: boolean
}): string {
  const action = `/interaction/${encodeURIComponent(options.uid)}/login`
  const demo = options.showDemoPasswords
    ? `<table><caption>Demo users (passwords shown on purpose: demo only)</caption>
<tr><th>User</th><th>Password</th><th>Groups</th></tr>
${DEMO_USERS.map((u) => `<tr><td>${escapeHtml(u.username)}</td><td><code>${escapeHtml(u.password)}</code></td><td>${escapeHtml(u.groups.join(', '))}</td></tr>`).join('\n')}
</table>`
    : ''
  return page(
    'Sign in',
    `<p>to continue to ${escapeHtml(options.clientName)}</p>
${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}" autocomplete="off">
<label for="username">Username</label>
<input id="username" name="username" required autofocus value="${escapeHtml(options.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" required>
<button type="submit">Sign in</button>
</form>${demo}`,
  )
}
