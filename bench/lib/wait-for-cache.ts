// The browser benches time pages against a full cache: they first ask a list route (limit=1)
// until its total reaches what the fake cluster holds and the BFF no longer answers from a
// partial cache (`loading`). The BFF has no "synced" event to await from outside, so this asks.
import type { Page } from '@playwright/test'

export async function waitForCache(page: Page, url: string, total: number): Promise<void> {
  for (;;) {
    const response = await page.request.get(url)
    if (response.ok()) {
      const list = (await response.json()) as { total: number; loading?: boolean }
      if (list.total >= total && !list.loading) return
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
