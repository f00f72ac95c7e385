import { Button, Card, CardBody, CardFooter, CardTitle, Form } from '@patternfly/react-core'
import type { ReactNode } from 'react'

/** One section of the Configuration tab: its fields, and "Review changes" for those who may edit. */
export function SectionCard({
  title,
  editable,
  canReview = true,
  reviewing,
  onReview,
  children,
  extra,
}: {
  title: string
  editable: boolean
  /** False while a field has a problem. */
  canReview?: boolean
  reviewing: boolean
  onReview?: () => void
  children: ReactNode
  /** Content under the form (tables of disks or cards). */
  extra?: ReactNode
}) {
  return (
    <Card isCompact aria-label={title}>
      <CardTitle component="h2">{title}</CardTitle>
      <CardBody>
        {extra}
        <Form
          isHorizontal
          onSubmit={(event) => event.preventDefault()}
          className="vmdeck-config-form"
        >
          {/* A disabled fieldset makes every control inside read-only at once. */}
          <fieldset disabled={!editable} className="vmdeck-config-fieldset">
            {children}
          </fieldset>
        </Form>
      </CardBody>
      {editable && onReview && (
        <CardFooter>
          <Button
            variant="secondary"
            size="sm"
            isDisabled={!canReview}
            isLoading={reviewing}
            onClick={onReview}
          >
            Review changes
          </Button>
        </CardFooter>
      )}
    </Card>
  )
}

/** A row's Remove action in a section's table (a disk, a network card), reviewed like any change. */
export function RemoveButton({ name, onClick }: { name: string; onClick: () => void }) {
  return (
    <Button variant="link" isDanger size="sm" aria-label={`Remove ${name}`} onClick={onClick}>
      Remove
    </Button>
  )
}
