import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeFetch, renderWithApp } from '../../../../testing/render.tsx'
import { YamlTab } from './yaml-tab.tsx'

const base = '/api/v1/clusters/c1/namespaces/dev/vms/box'

afterEach(() => vi.unstubAllGlobals())

describe('YamlTab', () => {
  it('shows cloud-init masked, and the data only after "Reveal cloud-init"', async () => {
    const reveals: string[] = []
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        [`${base}/yaml`]: () => ({
          items: [
            {
              kind: 'VirtualMachine',
              name: 'box',
              yaml: 'userData: \'(hidden: 40 characters; use "Reveal cloud-init" in vmdeck)\'\n',
            },
          ],
        }),
        [`${base}/cloud-init/reveal`]: (init) => {
          reveals.push(init?.method ?? 'GET')
          return {
            items: [
              {
                volume: 'cloudinit',
                kind: 'cloudInitNoCloud',
                userData: '#cloud-config\npassword: s3cret\n',
              },
            ],
          }
        },
      }),
    )
    renderWithApp(<YamlTab cluster="c1" vm={{ namespace: 'dev', name: 'box' }} />)
    const button = await screen.findByRole('button', { name: 'Reveal cloud-init' })
    expect(screen.queryByText(/s3cret/)).not.toBeInTheDocument()
    expect(reveals).toEqual([])
    await userEvent.click(button)
    expect(await screen.findByText(/password: s3cret/)).toBeInTheDocument()
    expect(reveals).toEqual(['POST'])
  })
})
