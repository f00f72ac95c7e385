import { Label } from '@patternfly/react-core'
import type { VmPrintableStatus } from '@vmdeck/shared'

const colors: Partial<
  Record<VmPrintableStatus, 'green' | 'grey' | 'blue' | 'orange' | 'red' | 'purple'>
> = {
  Running: 'green',
  Stopped: 'grey',
  Starting: 'blue',
  Provisioning: 'blue',
  Stopping: 'orange',
  Terminating: 'orange',
  Paused: 'purple',
  Migrating: 'blue',
}

export function VmStatusLabel({ status }: { status: VmPrintableStatus }) {
  const color =
    colors[status] ??
    (status.startsWith('Err') || status.includes('BackOff') || status.endsWith('Error')
      ? 'red'
      : 'grey')
  return (
    <Label color={color} isCompact>
      {status}
    </Label>
  )
}
