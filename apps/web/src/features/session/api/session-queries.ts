import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import type { LoginOptions, LoginRequest, LogoutResult, SessionInfo } from '@vmdeck/shared'
import { api, ApiError } from '../../../lib/api-client.ts'

export const sessionQueries = {
  all: () => ['session'] as const,
  /** The logged-in user, or null when there is no session (401 is an answer here, not an error). */
  current: () =>
    queryOptions({
      queryKey: [...sessionQueries.all(), 'current'],
      queryFn: async ({ signal }) => {
        try {
          return await api.get<SessionInfo>('/api/v1/session', { signal })
        } catch (err) {
          if (err instanceof ApiError && err.status === 401) return null
          throw err
        }
      },
      staleTime: Infinity,
      // A single sign-on session follows the provider (a removed group, a disabled account):
      // ask again at the BFF's renewal pace; a 401 then shows the login page.
      refetchInterval: (query) => {
        const seconds = query.state.data?.session?.renewalSeconds
        return seconds ? Math.max(seconds, 1) * 1000 : false
      },
    }),
  options: () =>
    queryOptions({
      queryKey: [...sessionQueries.all(), 'options'],
      queryFn: ({ signal }) => api.get<LoginOptions>('/api/v1/session/options', { signal }),
      staleTime: Infinity,
    }),
}

export function useLogin() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (request: LoginRequest) => api.post<SessionInfo>('/api/v1/session', request),
    onSuccess: (session) => queryClient.setQueryData(sessionQueries.current().queryKey, session),
  })
}

export function useLogout() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => api.delete<LogoutResult | undefined>('/api/v1/session'),
    onSuccess: (result) => {
      queryClient.clear()
      queryClient.setQueryData(sessionQueries.current().queryKey, null)
      // Single sign-on: end the provider's session too (RP-initiated logout); it sends the
      // browser back to the login page.
      const next = result?.endSessionUrl
      if (next && /^https?:\/\//.test(next)) window.location.assign(next)
    },
  })
}

/**
 * When the session's groups change (renewed at the provider), everything the page shows may be
 * allowed differently now: refetch it all (permissions decide which buttons are enabled).
 */
export function useRefetchOnGroupsChange(groups: string[] | undefined) {
  const queryClient = useQueryClient()
  const key = groups ? [...groups].sort().join('\n') : undefined
  const previous = useRef(key)
  useEffect(() => {
    if (previous.current !== undefined && key !== undefined && key !== previous.current)
      void queryClient.invalidateQueries({
        predicate: (query) => query.queryKey[0] !== sessionQueries.all()[0],
      })
    previous.current = key
  }, [key, queryClient])
}
