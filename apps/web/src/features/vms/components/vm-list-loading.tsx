import { Alert } from '@patternfly/react-core'

/**
 * Shown while the server is still receiving its first list of a large fleet (`loading` on the
 * list): the rows and counts are real, just not all there yet.
 */
export function VmListLoading() {
  return (
    <Alert
      variant="info"
      isInline
      isPlain
      title="Still loading virtual machines from the cluster"
      style={{ marginBottom: 8 }}
    >
      The list, its total and the status counts show the VMs received so far and fill in as the rest
      arrive.
    </Alert>
  )
}
