import { Button, Flex, FlexItem } from '@patternfly/react-core'
import { CopyIcon } from '@patternfly/react-icons'
import { useEffect, useState } from 'react'
import { copyText } from '../../../lib/clipboard.ts'

const PREVIEW = 60

/**
 * The guest's clipboard as the VNC server sent it (RFB ServerCutText, through noVNC's "clipboard"
 * event). It is copied to the browser's clipboard at once where the browser allows it; otherwise
 * a button does it (a click is the user gesture browsers ask for). QEMU only has a guest
 * clipboard through a clipboard agent in the guest: without one nothing ever arrives, and the
 * line says so.
 */
export function GuestClipboard({ text }: { text: string | null }) {
  const [result, setResult] = useState<string | null>(null)
  useEffect(() => {
    if (text === null) return
    let alive = true
    void copyText(text).then((ok) => alive && setResult(ok ? 'Copied to your clipboard.' : null))
    return () => {
      alive = false
    }
  }, [text])

  if (text === null)
    return (
      <div className="vmdeck-console__notice" data-testid="guest-clipboard">
        Nothing copied in the guest yet. Copying out of the guest needs a clipboard agent in it
        (spice-vdagent); a guest without one never sends its clipboard.
      </div>
    )
  const preview = text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text
  return (
    <Flex
      className="vmdeck-console__notice"
      alignItems={{ default: 'alignItemsCenter' }}
      gap={{ default: 'gapSm' }}
      data-testid="guest-clipboard"
    >
      <FlexItem>
        Guest clipboard: <code>{preview}</code>
      </FlexItem>
      <FlexItem>
        <Button
          variant="secondary"
          size="sm"
          icon={<CopyIcon />}
          onClick={() =>
            void copyText(text).then((ok) =>
              setResult(
                ok
                  ? 'Copied to your clipboard.'
                  : 'The browser refused the clipboard (it needs HTTPS and your permission).',
              ),
            )
          }
        >
          Copy
        </Button>
      </FlexItem>
      {result && <FlexItem role="status">{result}</FlexItem>}
    </Flex>
  )
}
