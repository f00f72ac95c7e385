import { Button, Tooltip, type ButtonProps } from '@patternfly/react-core'

/**
 * A button that stays in its place when it may not be used, disabled but focusable, with the
 * reason on hover and focus (what a user may not do is shown, and why).
 */
export function ExplainedButton({
  blocked,
  reason,
  isAriaDisabled = false,
  ...button
}: ButtonProps & {
  /** The user may not do this (RBAC, or the object's state). */
  blocked: boolean
  reason?: string | undefined
}) {
  return (
    <Tooltip content={reason ?? ''} trigger={blocked ? 'mouseenter focus' : 'manual'}>
      <Button {...button} isAriaDisabled={blocked || isAriaDisabled} />
    </Tooltip>
  )
}
