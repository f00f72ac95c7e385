import { describe, expect, it } from 'vitest'
import {
  InvalidLabelValueError,
  MAX_POINTS,
  namespaceSelector,
  rangeSeconds,
  rateWindow,
  stepFor,
  vmMetricQuery,
} from '../src/lib/promql.ts'

describe('PromQL built from validated names', () => {
  it('refuses label values that are not Kubernetes names', () => {
    for (const name of ['web"} or vector(1) #', 'a|b', 'Web', '', 'x'.repeat(254)])
      expect(() =>
        vmMetricQuery('cpu', { namespace: 'prod', name }, { window: '1m', recordingRules: true }),
      ).toThrow(InvalidLabelValueError)
    expect(() => namespaceSelector(['prod', '.*'])).toThrow(InvalidLabelValueError)
  })

  it('selects one VM by namespace and name, with or without the recording rules', () => {
    const vm = { namespace: 'prod', name: 'web-01' }
    const withRules = vmMetricQuery('cpu', vm, { window: '20s', recordingRules: true })
    expect(withRules.unit).toBe('percent')
    expect(withRules.parts[0]!.expr).toBe(
      '100 * sum by (namespace, name) (rate(kubevirt_vmi_cpu_usage_seconds_total{namespace="prod",name="web-01"}[20s])) / on (namespace, name) sum by (namespace, name) (vmi:kubevirt_vmi_vcpu:count{namespace="prod",name="web-01"})',
    )
    const raw = vmMetricQuery('memory', vm, { window: '20s', recordingRules: false })
    expect(raw.parts[0]!.expr).toContain(
      'kubevirt_vmi_memory_available_bytes{namespace="prod",name="web-01"} - kubevirt_vmi_memory_usable_bytes{namespace="prod",name="web-01"}',
    )
    expect(namespaceSelector('all')).toBe('')
    expect(namespaceSelector(['prod', 'dev'])).toBe('{namespace=~"dev|prod"}')
  })

  it('keeps every range within the point budget and never finer than the scrape interval', () => {
    for (const range of ['15m', '1h', '6h', '24h', '7d'] as const) {
      for (const scrape of [1, 2, 15, 30, 60]) {
        const step = stepFor(range, scrape)
        expect(step).toBeGreaterThanOrEqual(scrape)
        expect(rangeSeconds[range] / step).toBeLessThanOrEqual(MAX_POINTS)
      }
    }
    expect(stepFor('15m', 2)).toBe(5)
    expect(stepFor('7d', 30)).toBe(3600)
    // At least four scrapes, and a step plus a scrape.
    expect(rateWindow(5, 2)).toBe('8s')
    expect(rateWindow(60, 30)).toBe('120s')
    expect(rateWindow(3600, 30)).toBe('3630s')
  })
})
