// The browser's clipboard, where there is one: `navigator.clipboard` exists on secure origins
// only (HTTPS, localhost), so a console served over plain HTTP has none; and the user may refuse.

/** Copies `text`; false when the browser has no clipboard for this page or refuses. */
export async function copyText(text: string): Promise<boolean> {
  const clipboard = navigator.clipboard as Clipboard | undefined
  if (!clipboard) return false
  return clipboard.writeText(text).then(
    () => true,
    () => false,
  )
}

/** The clipboard's text; empty when there is no clipboard, nothing in it, or the user refuses. */
export async function readText(): Promise<string> {
  const clipboard = navigator.clipboard as Clipboard | undefined
  if (!clipboard) return ''
  return clipboard.readText().catch(() => '')
}
