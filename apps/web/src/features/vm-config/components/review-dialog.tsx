import { Alert, Modal, ModalBody, ModalHeader } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import type { SpecChange } from '@vmdeck/shared'
import { DialogFooter } from '../../../components/ui/dialog-footer.tsx'
import type { ApiError } from '../../../lib/api-client.ts'
import { describeChange } from '../model/validation.ts'

/** "Review changes": the exact spec diff the cluster accepted in a dry run, then Save. */
export function ReviewDialog({
  changes,
  saving,
  error,
  onSave,
  onClose,
}: {
  changes: SpecChange[]
  saving: boolean
  error: ApiError | undefined
  onSave: () => void
  onClose: () => void
}) {
  return (
    <Modal isOpen onClose={onClose} variant="medium" aria-labelledby="review-title">
      <ModalHeader title="Review changes" labelId="review-title" />
      <ModalBody>
        {error && (
          <Alert
            variant="danger"
            isInline
            title="The change was not saved"
            style={{ marginBottom: 12 }}
          >
            {error.message}
          </Alert>
        )}
        {changes.length === 0 ? (
          <p>Nothing changes: the VM already looks like this.</p>
        ) : (
          <Table aria-label="Changes to the VM" variant="compact">
            <Thead>
              <Tr>
                <Th>Field</Th>
                <Th>Now</Th>
                <Th>After saving</Th>
              </Tr>
            </Thead>
            <Tbody>
              {changes.map(describeChange).map((row) => (
                <Tr key={row.path}>
                  <Td dataLabel="Field">
                    <code>{row.path}</code>
                  </Td>
                  <Td dataLabel="Now" className="vmdeck-diff-before">
                    <code>{row.before}</code>
                  </Td>
                  <Td dataLabel="After saving" className="vmdeck-diff-after">
                    <code>{row.after}</code>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </ModalBody>
      <DialogFooter
        verb="Save"
        onConfirm={onSave}
        onCancel={onClose}
        isDisabled={changes.length === 0}
        isLoading={saving}
      />
    </Modal>
  )
}
