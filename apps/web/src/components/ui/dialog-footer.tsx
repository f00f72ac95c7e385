import { Button, ModalFooter } from '@patternfly/react-core'

/** A dialog's answer: the button that does it (named by its verb), then Cancel. */
export function DialogFooter({
  verb,
  onConfirm,
  onCancel,
  danger = false,
  isDisabled = false,
  isLoading = false,
}: {
  verb: string
  onConfirm: () => void
  onCancel: () => void
  /** The action destroys or replaces something: a red button. */
  danger?: boolean
  isDisabled?: boolean
  /** The action is under way: a spinner in its button. */
  isLoading?: boolean
}) {
  return (
    <ModalFooter>
      <Button
        variant={danger ? 'danger' : 'primary'}
        isDisabled={isDisabled}
        isLoading={isLoading}
        onClick={onConfirm}
      >
        {verb}
      </Button>
      <Button variant="link" onClick={onCancel}>
        Cancel
      </Button>
    </ModalFooter>
  )
}
