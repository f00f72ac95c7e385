import { readFileSync, writeFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures.ts'

// Single sign-on through the demo's OpenID provider (apps/idp), as a person does it: its own
// login page in Chromium, then vmdeck with what the person's groups allow. The e2e stack renews
// sessions every second (e2e/global-setup.ts), so "within 5 s" is the product's promise under test.

// The provider serves its own CA's certificate, which Chromium does not know; the BFF verifies
// the provider against that CA (VMDECK_OIDC_CA_FILE).
test.use({ ignoreHTTPSErrors: true })
test.describe.configure({ timeout: 180_000 })

const issuer = () => {
  const url = process.env.VMDECK_E2E_IDP_ISSUER
  if (!url) throw new Error('global setup did not start the identity provider')
  return url
}
const BOOT_MS = 90_000

type User = 'admin' | 'helpdesk' | 'viewer'

async function signIn(page: Page, user: User): Promise<void> {
  await page.goto('/')
  await page.getByRole('link', { name: /^Log in with / }).click()
  // The provider's own page, on its own origin.
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
  expect(new URL(page.url()).origin).toBe(issuer())
  await page.getByLabel('Username').fill(user)
  await page.getByLabel('Password').fill(`${user}-demo-password`)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('button', { name: `User menu: oidc:${user}` })).toBeVisible()
}

/** The provider's user directory, edited the way an operator would (apps/idp reads it each time). */
function editGroups(user: User, groups: string[]): () => void {
  const file = process.env.VMDECK_E2E_IDP_USERS
  if (!file) throw new Error('global setup did not start the identity provider')
  const original = readFileSync(file, 'utf8')
  const directory = JSON.parse(original) as { users: { username: string; groups: string[] }[] }
  for (const entry of directory.users) if (entry.username === user) entry.groups = groups
  writeFileSync(file, JSON.stringify(directory))
  return () => writeFileSync(file, original)
}

test('a viewer signs in on the provider’s page, lands on the VM list and may only look', async ({
  page,
}) => {
  await signIn(page, 'viewer')
  await expect(page).toHaveURL(/\/vms$/)
  await expect(
    page.getByRole('grid', { name: 'Virtual machines' }).getByRole('row', { name: /web-01/ }),
  ).toBeVisible()
  await expect(page.getByRole('link', { name: 'Create VM' })).toHaveCount(0)
  await page.getByRole('button', { name: 'Actions for web-01' }).click()
  for (const verb of ['Stop', 'Restart', 'Open console'])
    await expect(page.getByRole('menuitem', { name: verb, exact: true })).toHaveAttribute(
      'aria-disabled',
      'true',
    )
  await page.keyboard.press('Escape')
  // The user menu says who, with which groups, and until when.
  await page.getByRole('button', { name: 'User menu: oidc:viewer' }).click()
  const card = page.getByRole('region', { name: 'Your session' })
  await expect(card.getByText('oidc:auditors')).toBeVisible()
  await expect(card.getByText('Signed in with single sign-on')).toBeVisible()
  await expect(card.getByText(/^Session ends /)).toBeVisible()
})

test('an admin signed in through the provider may create VMs', async ({ page }) => {
  await signIn(page, 'admin')
  await expect(page.getByRole('link', { name: 'Create VM' })).toBeVisible()
})

test('help-desk opens a console; removed from its group, it loses the console and the buttons within 5 s', async ({
  page,
}) => {
  await signIn(page, 'helpdesk')
  await page.goto('/vms/prod/web-01/console')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Running')
  await expect(page.getByRole('button', { name: 'Restart', exact: true })).toBeEnabled()
  await page.getByRole('button', { name: 'Serial console' }).click()
  await expect(page.getByTestId('console-status')).toHaveText('Connected', { timeout: BOOT_MS })

  // Out of "helpdesk", still an auditor: the VM stays visible, restart and consoles do not.
  const restore = editGroups('helpdesk', ['auditors'])
  const deadline = Date.now() + 5_000
  const left = () => Math.max(deadline - Date.now(), 1)
  try {
    await expect(page.getByTestId('console-close-reason')).toContainText(
      'Your access to this console was revoked',
      { timeout: left() },
    )
    await expect(page.getByRole('button', { name: 'Restart', exact: true })).toHaveCount(0, {
      timeout: left(),
    })
    await expect(page.getByRole('heading', { level: 1 })).toContainText('web-01')
  } finally {
    restore()
  }
})

test('after logout the old cookie, replayed as curl would, is refused within 5 s', async ({
  page,
  context,
  baseURL,
}) => {
  await signIn(page, 'helpdesk')
  const session = (await context.cookies()).find((c) => c.name === 'vmdeck_session')
  expect(session).toBeDefined()
  const replay = () =>
    fetch(`${baseURL}/api/v1/session`, {
      headers: { cookie: `vmdeck_session=${session!.value}` },
    }).then((answer) => answer.status)
  expect(await replay()).toBe(200)

  await page.getByRole('button', { name: 'User menu: oidc:helpdesk' }).click()
  await page.getByRole('menuitem', { name: 'Log out' }).click()
  // vmdeck's logout is done once the browser is at the provider's sign-out page.
  await expect(page.getByRole('heading', { name: 'Sign out' })).toBeVisible()
  await expect.poll(replay, { timeout: 5_000, intervals: [100] }).toBe(401)
  // RP-initiated logout: the provider ends its session and sends the browser back to vmdeck.
  await page.getByRole('button', { name: 'Yes, sign me out' }).click()
  await expect(page.getByRole('link', { name: /^Log in with / })).toBeVisible()
})
