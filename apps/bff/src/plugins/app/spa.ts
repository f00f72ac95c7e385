import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { existsSync } from 'node:fs'

/** Serves the built SPA; any non-API GET that matches no file gets index.html (client routing). */
async function spa(
  fastify: FastifyInstance,
  options: { webRoot: string | undefined },
): Promise<void> {
  const { webRoot } = options
  const hasSpa = webRoot !== undefined && existsSync(webRoot)
  if (hasSpa) {
    await fastify.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      index: false,
      cacheControl: false,
      // The build writes a brotli and a gzip copy next to each text file (apps/web/build/
      // precompress.ts): the copy the browser accepts is sent, with `Vary: accept-encoding`, and
      // nothing is compressed per request. The copies get no routes of their own.
      preCompressed: true,
      globIgnore: ['**/*.br', '**/*.gz'],
      // @fastify/static 10 passes the reply here. Hashed assets never change; index.html must
      // always be revalidated.
      setHeaders: (reply: { header(name: string, value: string): unknown }, path: string) => {
        reply.header(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        )
      },
    } as Parameters<typeof fastifyStatic>[1])
  }
  fastify.setNotFoundHandler({ preHandler: undefined }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? ''
    if (
      (request.method === 'GET' || request.method === 'HEAD') &&
      hasSpa &&
      !path.startsWith('/api/')
    ) {
      const file = path.slice(1)
      if (file && !file.includes('..') && existsSync(`${webRoot}/${file}`) && !file.endsWith('/'))
        return reply.sendFile(file)
      return reply.header('cache-control', 'no-cache').sendFile('index.html')
    }
    return reply
      .code(404)
      .send({ statusCode: 404, error: 'Not Found', message: `No route ${request.method} ${path}.` })
  })
}

export default fp(spa, { name: 'spa' })
