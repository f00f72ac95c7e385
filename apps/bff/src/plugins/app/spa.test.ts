import Fastify, { type FastifyInstance } from 'fastify'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import spa from './spa.ts'

const SCRIPT = `console.log(${JSON.stringify('vmdeck '.repeat(400))})\n`
const INDEX = `<!doctype html><title>vmdeck</title>${'<!-- padding -->'.repeat(100)}\n`
const ASSET = '/assets/index-AbC123.js'

/** A build as apps/web writes it: each text file with its brotli and gzip copies beside it. */
function writeBuild(webRoot: string) {
  mkdirSync(join(webRoot, 'assets'), { recursive: true })
  for (const [file, text] of [
    ['index.html', INDEX],
    [ASSET.slice(1), SCRIPT],
  ] as const) {
    writeFileSync(join(webRoot, file), text)
    writeFileSync(join(webRoot, `${file}.br`), brotliCompressSync(text))
    writeFileSync(join(webRoot, `${file}.gz`), gzipSync(text))
  }
  // Not compressed at build (too small): served as it is to every browser.
  writeFileSync(join(webRoot, 'assets/tiny-Zz9.js'), 'export {}\n')
}

describe('the SPA’s static files', () => {
  let dir: string
  let app: FastifyInstance
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vmdeck-spa-test-'))
    writeFileSync(join(dir, 'secret.txt'), 'outside the web root')
    writeBuild(join(dir, 'web'))
    app = Fastify()
    await app.register(spa, { webRoot: join(dir, 'web') })
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers })

  it('sends the brotli copy to a browser that accepts br, cached for a year as immutable', async () => {
    const res = await get(ASSET, { 'accept-encoding': 'gzip, deflate, br, zstd' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-encoding']).toBe('br')
    expect(res.headers['content-type']).toMatch(/^text\/javascript|^application\/javascript/)
    expect(res.headers.vary).toMatch(/accept-encoding/i)
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(res.rawPayload.length).toBeLessThan(SCRIPT.length / 4)
    expect(brotliDecompressSync(res.rawPayload).toString()).toBe(SCRIPT)
  })

  it('sends the gzip copy to a browser that accepts only gzip', async () => {
    const res = await get(ASSET, { 'accept-encoding': 'gzip' })
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(res.headers.vary).toMatch(/accept-encoding/i)
    expect(res.headers['cache-control']).toContain('immutable')
    expect(gunzipSync(res.rawPayload).toString()).toBe(SCRIPT)
  })

  it('sends the file itself without Accept-Encoding, still varying on it for shared caches', async () => {
    const res = await get(ASSET)
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(res.headers.vary).toMatch(/accept-encoding/i)
    expect(res.body).toBe(SCRIPT)
    const tiny = await get('/assets/tiny-Zz9.js', { 'accept-encoding': 'br' })
    expect(tiny.headers['content-encoding']).toBeUndefined()
    expect(tiny.body).toBe('export {}\n')
  })

  it('answers 304 to a revalidation with the ETag it sent, per encoding', async () => {
    const first = await get(ASSET, { 'accept-encoding': 'br' })
    const etag = first.headers.etag
    expect(etag).toBeTruthy()
    const again = await get(ASSET, { 'accept-encoding': 'br', 'if-none-match': String(etag) })
    expect(again.statusCode).toBe(304)
    expect(again.rawPayload.length).toBe(0)
    // The gzip copy is another representation: the brotli copy's ETag does not match it.
    const gzip = await get(ASSET, { 'accept-encoding': 'gzip', 'if-none-match': String(etag) })
    expect(gzip.statusCode).toBe(200)
  })

  it('never lets a browser keep index.html without revalidating, at / and at client routes', async () => {
    for (const url of ['/', '/vms', '/vms/default/jumpbox?tab=yaml']) {
      const res = await get(url, { 'accept-encoding': 'br' })
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['cache-control'], url).toBe('no-cache')
      expect(res.headers['content-type'], url).toMatch(/^text\/html/)
      expect(brotliDecompressSync(res.rawPayload).toString(), url).toBe(INDEX)
    }
    const plain = await get('/index.html')
    expect(plain.headers['cache-control']).toBe('no-cache')
    expect(plain.body).toBe(INDEX)
  })

  it('serves nothing outside the web root', async () => {
    for (const url of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
    ]) {
      const res = await get(url, { 'accept-encoding': 'gzip, br' })
      expect(res.rawPayload.toString(), url).not.toContain('outside the web root')
      const body =
        res.headers['content-encoding'] === 'br'
          ? brotliDecompressSync(res.rawPayload).toString()
          : res.headers['content-encoding'] === 'gzip'
            ? gunzipSync(res.rawPayload).toString()
            : res.body
      expect(body, url).not.toContain('outside the web root')
    }
  })

  it('answers API paths it does not know with a JSON 404, not the app', async () => {
    const res = await get('/api/v1/nope')
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ statusCode: 404 })
  })
})
