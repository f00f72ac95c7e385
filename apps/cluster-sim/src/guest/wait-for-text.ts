// Waits until a byte stream (a serial console) has printed text matching a pattern.
import type { Readable } from 'node:stream'

/** Resolves with everything received since the call once `pattern` matches it. */
export function waitForText(
  stream: Readable,
  pattern: string | RegExp,
  timeoutMs = 30_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const matches = (): boolean =>
      typeof pattern === 'string' ? seen.includes(pattern) : pattern.test(seen)
    const onData = (chunk: Buffer | string): void => {
      seen += chunk.toString()
      if (matches()) finish(() => resolve(seen))
    }
    const onEnd = (): void =>
      finish(() => reject(new Error(`stream ended before ${String(pattern)}; got: ${tail(seen)}`)))
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(new Error(`timed out waiting for ${String(pattern)}; got: ${tail(seen)}`)),
        ),
      timeoutMs,
    )
    const finish = (settle: () => void): void => {
      clearTimeout(timer)
      stream.off('data', onData)
      stream.off('close', onEnd)
      settle()
    }
    stream.on('data', onData)
    stream.on('close', onEnd)
  })
}

function tail(s: string): string {
  return JSON.stringify(s.slice(-300))
}
