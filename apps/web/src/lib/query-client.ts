import { MutationCache, QueryClient } from '@tanstack/react-query'
import type { ApiError } from './api-client.ts'
import type { ToastStore } from './toasts.ts'

/** What a mutation says when it ends; the one MutationCache turns it into a toast. */
export type MutationMeta = {
  /** Shown when the action was accepted, e.g. "Starting web-01". Omit for silence. */
  success?: Text
  /** Title when it failed, e.g. "Could not start web-01"; the server's message is the body. */
  error?: Text
}
/** A fixed text, or one made from the mutation's variables. */
type Text = string | ((variables: never) => string)

const say = (text: Text | undefined, variables: unknown) =>
  typeof text === 'function' ? (text as (variables: unknown) => string)(variables) : text

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: ApiError
    mutationMeta: MutationMeta
  }
}

export function makeQueryClient(toasts?: ToastStore): QueryClient {
  return new QueryClient({
    mutationCache: new MutationCache({
      onSuccess: (_data, variables, _context, mutation) => {
        const title = say(mutation.meta?.success, variables)
        if (title && toasts) toasts.push({ variant: 'success', title })
      },
      onError: (error, variables, _context, mutation) => {
        const title = say(mutation.meta?.error, variables)
        if (!title || !toasts) return
        // RBAC said no: information, not an alarm.
        toasts.push({
          variant: error.status === 403 ? 'info' : error.status === 409 ? 'warning' : 'danger',
          title,
          message: error.message,
        })
      },
    }),
    defaultOptions: {
      queries: {
        // 4xx answers do not get better by asking again.
        retry: (count, error) => error.status >= 500 && count < 3,
        refetchOnWindowFocus: false,
      },
    },
  })
}
