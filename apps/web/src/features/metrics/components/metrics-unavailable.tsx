import { Alert } from '@patternfly/react-core'
import type { PrometheusStatus } from '@vmdeck/shared'
import type { ApiError } from '../../../lib/api-client.ts'

/** Why a chart has nothing to show, in words a user can act on. */
export function MetricsUnavailable({
  error,
  status,
}: {
  error?: ApiError | null
  status?: PrometheusStatus
}) {
  if (error) {
    if (error.code === 'PROMETHEUS_NOT_CONFIGURED')
      return (
        <Alert variant="info" isInline title="Metrics unavailable: no Prometheus is configured">
          {error.message} Ask whoever runs vmdeck to set its Prometheus URL.
        </Alert>
      )
    if (error.code === 'PROMETHEUS_UNAVAILABLE' || error.status === 503)
      return (
        <Alert variant="warning" isInline title="Metrics unavailable: Prometheus is unreachable">
          {error.message}
        </Alert>
      )
    if (error.status === 403)
      return (
        <Alert variant="info" isInline title="Metrics unavailable: you may not see them">
          {error.message}
        </Alert>
      )
    return (
      <Alert variant="danger" isInline title="Metrics unavailable">
        {error.message}
      </Alert>
    )
  }
  if (status && status.state !== 'ok')
    return (
      <Alert
        variant={status.state === 'unreachable' ? 'warning' : 'info'}
        isInline
        title={
          status.state === 'unconfigured'
            ? 'Metrics unavailable: no Prometheus is configured'
            : status.state === 'unreachable'
              ? 'Metrics unavailable: Prometheus is unreachable'
              : 'Metrics unavailable: no data yet'
        }
      >
        {status.message}
      </Alert>
    )
  return null
}

export function NoDataYet({ what }: { what: string }) {
  return (
    <Alert variant="info" isInline isPlain title={`No data yet for ${what}`}>
      Prometheus holds no samples in this range: the VM is not running, or started moments ago (the
      first points appear after two scrapes).
    </Alert>
  )
}
