import WebSocket from 'ws'

/**
 * Pings `ws` every `ms`; if it did not answer the previous ping (and is not paused by back
 * pressure, which stops reading its pongs too) it is dead and `onDead` runs once. Answers the
 * function that stops watching.
 */
export function keepAlive(ws: WebSocket, ms: number, onDead: () => void): () => void {
  let alive = true
  const onPong = () => {
    alive = true
  }
  ws.on('pong', onPong)
  const timer = setInterval(() => {
    if (!alive && !ws.isPaused) {
      stop()
      onDead()
      return
    }
    alive = false
    if (ws.readyState === WebSocket.OPEN) ws.ping()
  }, ms)
  timer.unref()
  const stop = () => {
    clearInterval(timer)
    ws.off('pong', onPong)
  }
  return stop
}
