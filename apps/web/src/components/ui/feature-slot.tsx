import { Alert, Spinner } from '@patternfly/react-core'
import { lazy, Suspense, type ComponentType } from 'react'

type Loader = () => Promise<Record<string, unknown>>

/**
 * A lazily loaded place for another feature's component (consoles, metrics). The module is found
 * with `import.meta.glob`, so the build works before the feature exists and the feature's code
 * (noVNC, xterm.js, recharts) is only fetched when the slot is shown.
 */
export function makeFeatureSlot<P extends object>(
  modules: Record<string, Loader>,
  exportName: string,
  missing: string,
): ComponentType<P> {
  const loader = Object.values(modules)[0]
  if (!loader) {
    return function MissingFeature() {
      return <Alert variant="info" isInline isPlain title={missing} />
    }
  }
  const Lazy = lazy(async () => {
    const module = await loader()
    const component = (module[exportName] ?? module.default) as ComponentType<P> | undefined
    return {
      default:
        component ??
        (() => <Alert variant="warning" isInline title={`${exportName} is not exported yet.`} />),
    }
  })
  return function FeatureSlot(props: P) {
    return (
      <Suspense fallback={<Spinner size="lg" aria-label="Loading" />}>
        <Lazy {...props} />
      </Suspense>
    )
  }
}
