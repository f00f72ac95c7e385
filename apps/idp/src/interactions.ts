import type { IncomingMessage, ServerResponse } from 'node:http'
import type Provider from 'oidc-provider'
import { loginPage, page } from './pages.ts'
import type { UserDirectory } from './users.ts'

const INTERACTION = /^\/interaction\/([A-Za-z0-9_-]{1,64})(\/login)?$/
const MAX_FORM_BYTES = 4096

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // No script and no outside resource on these pages; nobody may frame them (clickjacking).
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, HEADERS).end(html)
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded'))
    return undefined
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_FORM_BYTES) return undefined
    chunks.push(chunk)
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

/**
 * The provider's sign-in pages (its "interactions"): a plain form, checked against the user
 * directory. Answers the request and returns true when it is one of them; false otherwise.
 */
export async function handleInteraction(
  provider: Provider,
  users: UserDirectory,
  showDemoPasswords: boolean,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const match = INTERACTION.exec(new URL(req.url ?? '/', 'https://idp.invalid').pathname)
  if (!match) return false
  const uid = match[1] ?? ''
  const isSubmit = match[2] === '/login'
  let details
  try {
    details = await provider.interactionDetails(req, res)
  } catch {
    send(
      res,
      400,
      page('Sign-in expired', '<p>This sign-in has expired. Start again from vmdeck.</p>'),
    )
    return true
  }
  if (details.uid !== uid) {
    send(
      res,
      400,
      page('Sign-in expired', '<p>This sign-in has expired. Start again from vmdeck.</p>'),
    )
    return true
  }
  const clientName = 'vmdeck'
  if (!isSubmit && req.method === 'GET') {
    send(res, 200, loginPage({ uid, clientName, showDemoPasswords }))
    return true
  }
  if (!isSubmit || req.method !== 'POST') {
    send(res, 405, page('Not allowed', '<p>Use the sign-in form.</p>'))
    return true
  }
  const form = await readForm(req)
  const username = form?.get('username') ?? ''
  const user = form ? users.check(username, form.get('password') ?? '') : undefined
  if (!user) {
    const error = 'Wrong user name or password, or the account is disabled.'
    send(res, 401, loginPage({ uid, clientName, showDemoPasswords, error, username }))
    return true
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: user.username } },
    { mergeWithLastSubmission: false },
  )
  return true
}
