import type { ApiErrorBody } from '@vmdeck/shared'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { SECURITY_HEADERS } from './security-headers.ts'

/**
 * Refuses a WebSocket upgrade with a plain HTTP answer in the shared error shape (and the headers
 * every answer carries): the browser gets no socket at all.
 */
export function refuseUpgrade(
  socket: Duplex,
  statusCode: number,
  message: string,
  code?: string,
): void {
  if (!socket.writable) return void socket.destroy()
  const body: ApiErrorBody = {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    ...(code ? { code } : {}),
  }
  const text = JSON.stringify(body)
  socket.end(
    `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? ''}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      Object.entries(SECURITY_HEADERS)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('') +
      `Content-Length: ${Buffer.byteLength(text)}\r\n` +
      'Cache-Control: no-store\r\n' +
      'Connection: close\r\n\r\n' +
      text,
  )
}
