// Requests the first-load script sent before the app's code arrived, by path; the API client
// takes each one once instead of sending it again. A global, as the script is its own bundle.

type Registry = Map<string, Promise<Response>>
const holder = globalThis as { __vmdeckPrefetched?: Registry }

/** Sends a GET now, for the app to take later. */
export function prefetch(path: string): Promise<Response> {
  // High: on HTTP/1.1 it would otherwise wait for a free connection behind the app's many modules.
  const response = fetch(path, { credentials: 'same-origin', priority: 'high' })
  ;(holder.__vmdeckPrefetched ??= new Map()).set(path, response)
  return response
}

/** The response of a prefetched GET of `path`, once; later calls send their own request. */
export function takePrefetched(path: string): Promise<Response> | undefined {
  const response = holder.__vmdeckPrefetched?.get(path)
  holder.__vmdeckPrefetched?.delete(path)
  return response
}
