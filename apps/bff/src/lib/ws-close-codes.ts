// The close codes themselves are the contract with the browser: packages/shared defines them
// (CloseCode, closeCodeForStatus). What only the sending side needs stays here.

/** A close reason must fit in 123 bytes of UTF-8: cut at a character boundary. */
export function closeReason(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim()
  if (Buffer.byteLength(clean) <= 123) return clean
  let out = ''
  for (const char of clean) {
    if (Buffer.byteLength(out + char + '…') > 123) break
    out += char
  }
  return out + '…'
}

/** Codes a server may send in a close frame (1005/1006/1015 are reserved for "none received"). */
export const sendableCode = (code: number): boolean =>
  code === 1000 || code === 1001 || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)
