import { QueryClient } from '@tanstack/react-query'
import type { ApiError } from './api-client.ts'

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: ApiError
  }
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // 4xx answers do not get better by asking again.
        retry: (count, error) => error.status >= 500 && count < 3,
        refetchOnWindowFocus: false,
      },
    },
  })
}
