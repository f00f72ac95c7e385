import { useQuery } from '@tanstack/react-query'
import type { VmChange, VmDetail } from '@vmdeck/shared'
import { screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { renderWithApp } from '../testing/render.tsx'
import { useClusterStream } from './use-cluster-stream.ts'
import { vmQueries } from './vm-queries.ts'

/** The one EventSource the hook opens; the test sends its events. */
class FakeEventSource {
  static last: FakeEventSource | undefined
  onerror: (() => void) | null = null
  private readonly listeners = new Map<string, ((message: MessageEvent<string>) => void)[]>()
  readonly url: string
  constructor(url: string) {
    this.url = url
    FakeEventSource.last = this
  }
  addEventListener(type: string, listener: (message: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }
  emit(type: string, data: unknown) {
    const message = new MessageEvent('message', { data: JSON.stringify(data) })
    for (const listener of this.listeners.get(type) ?? []) listener(message)
  }
  close() {}
}

type Pending = { signal: AbortSignal | undefined; answer(revision: number): void }

const JUMPBOX = { namespace: 'default', name: 'jumpbox' }
const DETAIL_URL = '/api/v1/clusters/c1/namespaces/default/vms/jumpbox'

function Detail() {
  useClusterStream('c1')
  const { data } = useQuery(vmQueries.detail('c1', JUMPBOX))
  return <p>{data ? `revision ${data.cpus ?? 0}` : 'loading'}</p>
}

describe('useClusterStream', () => {
  let requests: Pending[]
  let aborted: number
  beforeEach(() => {
    requests = []
    aborted = 0
    vi.stubGlobal('EventSource', FakeEventSource)
    // Each detail request stays in flight until the test answers it.
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      expect(input instanceof Request ? input.url : input.toString()).toBe(DETAIL_URL)
      return new Promise<Response>((resolve, reject) => {
        const signal = init?.signal ?? undefined
        signal?.addEventListener('abort', () => {
          aborted++
          reject(new DOMException('aborted', 'AbortError'))
        })
        requests.push({
          signal,
          answer: (revision) =>
            resolve(
              new Response(
                // Only the field the page shows: the detail's revision, as its CPU count.
                JSON.stringify({ ...JUMPBOX, cpus: revision } satisfies Partial<VmDetail>),
                { status: 200, headers: { 'content-type': 'application/json' } },
              ),
            ),
        })
      })
    })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('refetches an open VM detail once per burst of changes, never aborting a request in flight', async () => {
    renderWithApp(<Detail />)
    await waitFor(() => expect(requests).toHaveLength(1))
    requests[0]!.answer(1)
    await screen.findByText('revision 1')

    // A restart: the VM's status changes several times while the detail is being fetched.
    const change = { type: 'upsert', vm: JUMPBOX } as unknown as VmChange
    const stream = FakeEventSource.last!
    stream.emit('vms', change)
    await waitFor(() => expect(requests).toHaveLength(2))
    for (let i = 0; i < 4; i++) stream.emit('vms', change)
    // The changes after the request went out are fetched once it has answered, not by aborting it.
    requests[1]!.answer(2)
    await screen.findByText('revision 2')
    await waitFor(() => expect(requests).toHaveLength(3))
    requests[2]!.answer(3)
    await screen.findByText('revision 3')

    expect(aborted).toBe(0)
    expect(requests.every((request) => !request.signal?.aborted)).toBe(true)
    expect(requests).toHaveLength(3)
  })
})
