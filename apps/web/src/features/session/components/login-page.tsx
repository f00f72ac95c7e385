import {
  ActionGroup,
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  Form,
  FormGroup,
  TextInput,
  Title,
  Divider,
  Flex,
} from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { sessionQueries, useLogin } from '../api/session-queries.ts'

export function LoginPage() {
  const options = useQuery(sessionQueries.options())
  const login = useLogin()
  const [token, setToken] = useState('')
  const submit = (event: FormEvent) => {
    event.preventDefault()
    login.mutate({ token: token.trim() })
  }
  return (
    <Flex justifyContent={{ default: 'justifyContentCenter' }} style={{ paddingTop: '10vh' }}>
      <Card style={{ width: 420 }}>
        <CardTitle>
          <Title headingLevel="h1" size="xl">
            Log in to vmdeck
          </Title>
        </CardTitle>
        <CardBody>
          {login.error && (
            <Alert
              variant="danger"
              isInline
              isPlain
              title={login.error.message}
              style={{ marginBottom: 16 }}
            />
          )}
          {options.data?.sso && (
            <>
              <Button
                component="a"
                href={options.data.sso.loginUrl}
                variant="primary"
                isBlock
                style={{ marginBottom: 16 }}
              >
                Log in with {options.data.sso.name}
              </Button>
              {options.data.tokenLogin !== false && <Divider style={{ marginBottom: 16 }} />}
            </>
          )}
          {options.data && options.data.demoUsers.length > 0 && (
            <>
              <p style={{ marginBottom: 8 }}>Demo users of the simulated cluster:</p>
              <Flex gap={{ default: 'gapSm' }} style={{ marginBottom: 16 }}>
                {options.data.demoUsers.map((user) => (
                  <Button
                    key={user}
                    variant="secondary"
                    onClick={() => login.mutate({ demoUser: user })}
                    isDisabled={login.isPending}
                  >
                    Log in as {user}
                  </Button>
                ))}
              </Flex>
              <Divider style={{ marginBottom: 16 }} />
            </>
          )}
          {options.data?.tokenLogin !== false && (
            <Form onSubmit={submit}>
              <FormGroup label="Kubernetes bearer token" fieldId="token" isRequired>
                <TextInput
                  id="token"
                  type="password"
                  value={token}
                  onChange={(_e, value) => setToken(value)}
                  autoComplete="off"
                  isRequired
                />
              </FormGroup>
              <ActionGroup>
                <Button
                  type="submit"
                  variant="primary"
                  isDisabled={!token.trim() || login.isPending}
                  isLoading={login.isPending}
                >
                  Log in
                </Button>
              </ActionGroup>
            </Form>
          )}
        </CardBody>
      </Card>
    </Flex>
  )
}
