import { Alert, AlertActionCloseButton, AlertGroup } from '@patternfly/react-core'
import { useSyncExternalStore } from 'react'
import type { ToastStore } from '../../lib/toasts.ts'

export function ToastGroup({ store }: { store: ToastStore }) {
  const toasts = useSyncExternalStore(store.subscribe, store.snapshot)
  return (
    <AlertGroup isToast isLiveRegion>
      {toasts.map((toast) => (
        <Alert
          key={toast.id}
          variant={toast.variant}
          title={toast.title}
          timeout={toast.variant === 'danger' ? 15_000 : 6_000}
          onTimeout={() => store.dismiss(toast.id)}
          actionClose={<AlertActionCloseButton onClose={() => store.dismiss(toast.id)} />}
        >
          {toast.message}
        </Alert>
      ))}
    </AlertGroup>
  )
}
