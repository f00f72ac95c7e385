import {
  Alert,
  Button,
  Form,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  List,
  ListItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from '@patternfly/react-core'
import { useQueryClient } from '@tanstack/react-query'
import { folderPathProblem } from '@vmdeck/shared'
import { useState } from 'react'
import { ApiError } from '../../../lib/api-client.ts'
import { vmQueries, type VmRef } from '../../../lib/vm-queries.ts'
import { moveToFolder } from '../api/vm-folders.ts'

type Failure = { vm: VmRef; message: string }

/**
 * Moves VMs to a folder, typed or picked (a new path makes a new folder), one request per VM
 * with the user's rights: a VM the user may not patch fails on its own and says why.
 */
export function MoveToFolderDialog({
  cluster,
  vms,
  folders,
  initial = '',
  onClose,
}: {
  cluster: string
  vms: VmRef[]
  folders: string[]
  initial?: string
  onClose: (moved: boolean) => void
}) {
  const queryClient = useQueryClient()
  const [path, setPath] = useState(initial)
  const [busy, setBusy] = useState(false)
  const [failures, setFailures] = useState<Failure[]>([])
  const problem = path.trim() ? folderPathProblem(path.trim()) : undefined
  const namespaces = [...new Set(vms.map((vm) => vm.namespace))].sort()
  const move = async () => {
    setBusy(true)
    const failed: Failure[] = []
    for (const vm of vms) {
      try {
        await moveToFolder(cluster, vm, path.trim() || null)
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        const denied = err instanceof ApiError && err.status === 403
        failed.push({ vm, message: denied ? `Not allowed: ${message}` : message })
      }
    }
    // Moved rows may leave the folder on screen: the pages and counts are asked again.
    await queryClient.invalidateQueries({ queryKey: vmQueries.all(cluster) })
    setBusy(false)
    setFailures(failed)
    if (failed.length === 0) onClose(true)
  }
  const count = vms.length === 1 ? vms[0]?.name : `${vms.length} VMs`
  return (
    <Modal isOpen onClose={() => onClose(false)} variant="small" aria-labelledby="move-title">
      <ModalHeader title={`Move ${count} to a folder`} labelId="move-title" />
      <ModalBody>
        <Form
          id="move-form"
          onSubmit={(event) => {
            event.preventDefault()
            if (!problem && !busy) void move()
          }}
        >
          <FormGroup label="Folder" fieldId="move-folder">
            <TextInput
              id="move-folder"
              value={path}
              onChange={(_event, value) => setPath(value)}
              placeholder="prod/web"
              list="move-folder-paths"
              validated={problem ? 'error' : 'default'}
              autoFocus
            />
            <datalist id="move-folder-paths">
              {folders.map((folder) => (
                <option key={folder} value={folder} />
              ))}
            </datalist>
            <FormHelperText>
              <HelperText>
                <HelperTextItem variant={problem ? 'error' : 'default'}>
                  {problem ??
                    `A new path makes a new folder; empty takes the VMs out of their folder. Folders live in each VM's namespace (${namespaces.join(', ')}).`}
                </HelperTextItem>
              </HelperText>
            </FormHelperText>
          </FormGroup>
        </Form>
        {failures.length > 0 && (
          <Alert variant="warning" isInline title={`${failures.length} VMs were not moved`}>
            <List>
              {failures.map(({ vm, message }) => (
                <ListItem key={`${vm.namespace}/${vm.name}`}>
                  {vm.namespace}/{vm.name}: {message}
                </ListItem>
              ))}
            </List>
          </Alert>
        )}
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="move-form" isDisabled={Boolean(problem)} isLoading={busy}>
          Move
        </Button>
        <Button
          variant="link"
          onClick={() => onClose(failures.length < vms.length && failures.length > 0)}
        >
          {failures.length ? 'Close' : 'Cancel'}
        </Button>
      </ModalFooter>
    </Modal>
  )
}
