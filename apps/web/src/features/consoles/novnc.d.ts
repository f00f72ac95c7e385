// noVNC 1.7 ships no types (its package exports core/rfb.js); the part of RFB vmdeck uses.
declare module '@novnc/novnc' {
  export interface RfbOptions {
    shared?: boolean
    credentials?: { username?: string; password?: string; target?: string }
    repeaterID?: string
    wsProtocols?: string[]
  }

  export default class RFB extends EventTarget {
    constructor(target: HTMLElement, urlOrChannel: string | WebSocket, options?: RfbOptions)
    viewOnly: boolean
    focusOnClick: boolean
    clipViewport: boolean
    scaleViewport: boolean
    resizeSession: boolean
    showDotCursor: boolean
    background: string
    qualityLevel: number
    compressionLevel: number
    readonly capabilities: { power: boolean }
    disconnect(): void
    sendCtrlAltDel(): void
    /** `code` is a KeyboardEvent.code ("KeyA", "ShiftLeft"); with it QEMU gets the scancode. */
    sendKey(keysym: number, code: string | null, down?: boolean): void
    focus(options?: FocusOptions): void
    blur(): void
    clipboardPasteFrom(text: string): void
    toDataURL(type?: string, encoderOptions?: number): string
    toBlob(callback: (blob: Blob | null) => void, type?: string, quality?: number): void
  }
}
