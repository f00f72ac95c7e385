export type Toast = {
  id: number
  variant: 'success' | 'danger' | 'info' | 'warning'
  title: string
  message?: string
}

type Listener = () => void

/** A tiny store for toasts: the MutationCache writes, the shell's AlertGroup reads. */
export function createToastStore() {
  let toasts: Toast[] = []
  let next = 1
  const listeners = new Set<Listener>()
  const emit = () => listeners.forEach((listener) => listener())
  return {
    subscribe: (listener: Listener) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    snapshot: () => toasts,
    push: (toast: Omit<Toast, 'id'>) => {
      // Keep the five newest: a bulk action on 200 VMs must not bury the page.
      toasts = [...toasts, { ...toast, id: next++ }].slice(-5)
      emit()
    },
    dismiss: (id: number) => {
      toasts = toasts.filter((toast) => toast.id !== id)
      emit()
    },
  }
}

export type ToastStore = ReturnType<typeof createToastStore>
