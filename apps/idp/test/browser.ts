import { request as httpsRequest } from 'node:https'

export interface Exchange {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  url: URL
}

/** A site answered in-process (the BFF through `app.inject`) instead of over the network. */
export type LocalSite = (request: {
  method: string
  url: URL
  headers: Record<string, string>
}) => Promise<Omit<Exchange, 'url'>>

/**
 * Just enough of a browser for sign-in flows in tests: a cookie jar per origin, form posts,
 * redirects followed by hand. HTTPS sites must chain to `ca`; `sites` answers other origins.
 */
export class TestBrowser {
  readonly #ca: string
  readonly #sites: Record<string, LocalSite>
  readonly #jar = new Map<string, Map<string, string>>()

  constructor(options: { ca: string; sites?: Record<string, LocalSite> }) {
    this.#ca = options.ca
    this.#sites = options.sites ?? {}
  }

  cookies(origin: string): Map<string, string> {
    let jar = this.#jar.get(origin)
    if (!jar) this.#jar.set(origin, (jar = new Map<string, string>()))
    return jar
  }

  async request(method: string, url: URL, form?: Record<string, string>): Promise<Exchange> {
    const jar = this.cookies(url.origin)
    const headers: Record<string, string> = {}
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
    const body = form ? new URLSearchParams(form).toString() : undefined
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded'
    const site = this.#sites[url.origin]
    const answer = site
      ? await site({ method, url, headers })
      : await this.#https(method, url, headers, body)
    for (const line of [answer.headers['set-cookie'] ?? []].flat()) {
      const [pair = '', ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const gone = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === ''
      if (gone) jar.delete(name)
      else jar.set(name, value)
    }
    return { ...answer, url }
  }

  /** GETs `url` and follows redirects until an answer is not one, or `stop` says so. */
  async navigate(url: URL, stop: (next: URL) => boolean = () => false): Promise<Exchange> {
    let answer = await this.request('GET', url)
    for (let hops = 0; hops < 20; hops++) {
      const location = answer.headers.location
      if (answer.status < 300 || answer.status >= 400 || typeof location !== 'string') return answer
      const next = new URL(location, answer.url)
      if (stop(next)) return { ...answer, url: next }
      answer = await this.request('GET', next)
    }
    throw new Error('too many redirects')
  }

  /** Posts a form and follows the redirects after it, as `navigate` does. */
  async submit(
    url: URL,
    form: Record<string, string>,
    stop: (next: URL) => boolean = () => false,
  ): Promise<Exchange> {
    const answer = await this.request('POST', url, form)
    const location = answer.headers.location
    if (answer.status < 300 || answer.status >= 400 || typeof location !== 'string') return answer
    const next = new URL(location, url)
    return stop(next) ? { ...answer, url: next } : this.navigate(next, stop)
  }

  #https(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<Omit<Exchange, 'url'>> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { method, headers, ca: this.#ca }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      })
      req.on('error', reject)
      req.end(body)
    })
  }
}

/**
 * Signs in on the provider's own form: from the authorization URL to the redirect back to the
 * client (not requested), which is returned. `password` defaults to the demo password.
 */
export async function signIn(
  browser: TestBrowser,
  authorizationUrl: URL,
  username: string,
  password: string,
  isCallback: (url: URL) => boolean,
): Promise<{ callback?: URL; page: Exchange }> {
  const form = await browser.navigate(authorizationUrl, isCallback)
  if (isCallback(form.url)) return { callback: form.url, page: form }
  const action = /<form method="post" action="([^"]+)"/.exec(form.body)?.[1]
  if (!action) return { page: form }
  const done = await browser.submit(
    new URL(action.replaceAll('&amp;', '&'), form.url),
    { username, password },
    isCallback,
  )
  return isCallback(done.url) ? { callback: done.url, page: done } : { page: done }
}
