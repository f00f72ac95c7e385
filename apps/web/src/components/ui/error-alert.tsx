import { Alert, ExpandableSection } from '@patternfly/react-core'
import type { ApiError } from '../../lib/api-client.ts'

/** One way to show an API error: 403 is information (RBAC said no), not a crash. */
export function ErrorAlert({ error, title }: { error: ApiError; title?: string }) {
  if (error.status === 403) {
    return (
      <Alert variant="info" isInline title={title ?? "You don't have permission to see this"}>
        {error.message}
      </Alert>
    )
  }
  if (error.status === 404) {
    return (
      <Alert variant="warning" isInline title={title ?? 'Not found'}>
        {error.message}
      </Alert>
    )
  }
  return (
    <Alert
      variant={error.status >= 500 || error.status === 0 ? 'danger' : 'warning'}
      isInline
      title={title ?? error.message}
    >
      {title && error.message}
      {error.code && (
        <ExpandableSection toggleText="Details">
          <code>{error.code}</code> (HTTP {error.status})
        </ExpandableSection>
      )}
    </Alert>
  )
}
