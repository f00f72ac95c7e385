import { Alert, Button, PageSection } from '@patternfly/react-core'
import { Component, type ReactNode } from 'react'

/** One broken page must not take the shell (and the live stream) down with it. */
export class RouteErrorBoundary extends Component<
  { children: ReactNode },
  { error: Error | undefined }
> {
  override state = { error: undefined as Error | undefined }
  static getDerivedStateFromError(error: Error) {
    return { error }
  }
  override render() {
    if (!this.state.error) return this.props.children
    return (
      <PageSection>
        <Alert
          variant="danger"
          isInline
          title="This page failed"
          actionLinks={
            <Button variant="link" isInline onClick={() => this.setState({ error: undefined })}>
              Try again
            </Button>
          }
        >
          {this.state.error.message}
        </Alert>
      </PageSection>
    )
  }
}
