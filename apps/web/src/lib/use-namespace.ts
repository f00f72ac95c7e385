import { useSearchParams } from 'react-router'

/**
 * The namespace the user is looking at ('' = all namespaces). It lives in the URL (`?namespace=`)
 * so a view can be shared, and the navigation carries it from page to page.
 */
export function useNamespace(): [string, (namespace: string) => void] {
  const [params, setParams] = useSearchParams()
  const namespace = params.get('namespace') ?? ''
  const set = (next: string) =>
    setParams(
      (current) => {
        const updated = new URLSearchParams(current)
        if (next) updated.set('namespace', next)
        else updated.delete('namespace')
        updated.delete('page')
        return updated
      },
      { replace: true },
    )
  return [namespace, set]
}
