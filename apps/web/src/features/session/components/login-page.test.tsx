import { screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeFetch, renderWithApp } from '../../../testing/render.tsx'
import { LoginPage } from './login-page.tsx'

afterEach(() => vi.unstubAllGlobals())

describe('LoginPage', () => {
  it('offers "Log in with <provider>" as a link to the sign-in, beside the token form', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        '/api/v1/session/options': () => ({
          demoUsers: [],
          sso: { name: 'Example SSO', loginUrl: '/api/v1/session/sso/login' },
          tokenLogin: true,
        }),
      }),
    )
    renderWithApp(<LoginPage />)
    const link = await screen.findByRole('link', { name: 'Log in with Example SSO' })
    expect(link.getAttribute('href')).toBe('/api/v1/session/sso/login')
    expect(screen.getByLabelText(/Kubernetes bearer token/)).toBeTruthy()
  })

  it('hides the token form when token login is turned off', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        '/api/v1/session/options': () => ({
          demoUsers: [],
          sso: { name: 'Example SSO', loginUrl: '/api/v1/session/sso/login' },
          tokenLogin: false,
        }),
      }),
    )
    renderWithApp(<LoginPage />)
    await screen.findByRole('link', { name: 'Log in with Example SSO' })
    expect(screen.queryByLabelText(/Kubernetes bearer token/)).toBeNull()
  })
})
