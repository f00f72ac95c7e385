import type RFB from '@novnc/novnc'
import { Modal, ModalBody, ModalHeader, TextArea } from '@patternfly/react-core'
import { useState } from 'react'
import { Keys, keystrokesFor } from '../lib/keysyms.ts'
import { DialogFooter } from '../../../components/ui/dialog-footer.tsx'

/** Types text key by key; a shifted character is wrapped in an explicit Shift press. */
export async function typeText(rfb: RFB | null, text: string): Promise<void> {
  if (!rfb) return
  const { strokes } = keystrokesFor(text)
  for (const { key, shift } of strokes) {
    if (shift) rfb.sendKey(Keys.shift.keysym, Keys.shift.code, true)
    rfb.sendKey(key.keysym, key.code, true)
    rfb.sendKey(key.keysym, key.code, false)
    if (shift) rfb.sendKey(Keys.shift.keysym, Keys.shift.code, false)
    // Let the guest's keyboard keep up (QEMU queues, the guest's driver may not).
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  rfb.focus()
}

/** Text typed into the VM key by key, for guests without a clipboard channel. */
export function PasteDialog({
  onClose,
  onType,
}: {
  onClose: () => void
  onType: (text: string) => Promise<void>
}) {
  const [text, setText] = useState('')
  const [typing, setTyping] = useState(false)
  const { untypable } = keystrokesFor(text)
  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby="vnc-paste-title">
      <ModalHeader
        title="Paste as keystrokes"
        labelId="vnc-paste-title"
        description="The text is typed into the VM key by key (US keyboard layout)."
      />
      <ModalBody>
        <TextArea
          aria-label="Text to type"
          value={text}
          onChange={(_event, value) => setText(value)}
          rows={5}
          autoFocus
        />
        {untypable.length > 0 && (
          <p className="vmdeck-muted">
            These characters have no key and are skipped: {untypable.join(' ')}
          </p>
        )}
      </ModalBody>
      <DialogFooter
        verb="Type it"
        isDisabled={!text || typing}
        isLoading={typing}
        onConfirm={() => {
          setTyping(true)
          void onType(text).finally(() => {
            setTyping(false)
            onClose()
          })
        }}
        onCancel={onClose}
      />
    </Modal>
  )
}
