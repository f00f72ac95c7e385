/**
 * The console socket as noVNC sees it (a "raw channel": the WebSocket properties noVNC uses):
 * binary frames only. Text frames are vmdeck's presence messages and go to `onText`; noVNC
 * would read them as RFB bytes.
 */
export class BinaryChannel {
  onopen: ((event: Event) => void) | null = null
  onmessage: ((event: MessageEvent) => void) | null = null
  onclose: ((event: CloseEvent) => void) | null = null
  onerror: ((event: Event) => void) | null = null
  readonly #ws: WebSocket

  constructor(ws: WebSocket, onText: (text: string) => void) {
    this.#ws = ws
    ws.addEventListener('open', (event) => this.onopen?.(event))
    ws.addEventListener('message', (event: MessageEvent<ArrayBuffer | string>) => {
      if (typeof event.data === 'string') onText(event.data)
      else this.onmessage?.(event)
    })
    ws.addEventListener('close', (event) => this.onclose?.(event))
    ws.addEventListener('error', (event) => this.onerror?.(event))
  }

  get protocol(): string {
    return this.#ws.protocol
  }

  get readyState(): number {
    return this.#ws.readyState
  }

  get binaryType(): BinaryType {
    return this.#ws.binaryType
  }

  set binaryType(type: BinaryType) {
    this.#ws.binaryType = type
  }

  send(data: ArrayBufferLike | ArrayBufferView): void {
    this.#ws.send(data as ArrayBuffer)
  }

  close(): void {
    this.#ws.close()
  }
}
