import { afterEach, describe, expect, it } from 'vitest'
import {
  currentView,
  isShowing,
  loadViews,
  storeViews,
  viewChanges,
  viewLink,
} from './saved-views.ts'

afterEach(() => localStorage.clear())

describe('saved views', () => {
  it('captures the whole view and links to it', () => {
    const params = new URLSearchParams(
      'search=web&status=running&sort=-node&page=3&perPage=20&namespace=prod&folder=shop',
    )
    const view = currentView('Web', params, ['namespace', 'status'])
    expect(view).toEqual({
      name: 'Web',
      params: {
        search: 'web',
        status: 'running',
        namespace: 'prod',
        folder: 'shop',
        sort: '-node',
        columns: 'namespace,status',
      },
    })
    expect(viewLink(view, { origin: 'https://vmdeck.example', pathname: '/vms' })).toBe(
      'https://vmdeck.example/vms?search=web&status=running&namespace=prod&folder=shop&sort=-node&columns=namespace%2Cstatus',
    )
    expect(isShowing(view, params, ['namespace', 'status'])).toBe(true)
    expect(isShowing(view, params, ['namespace'])).toBe(false)
    expect(viewChanges(view)).toEqual({
      page: undefined,
      search: 'web',
      status: 'running',
      node: undefined,
      namespace: 'prod',
      folder: 'shop',
      sort: '-node',
      columns: 'namespace,status',
    })
  })

  it('keeps each user’s views apart and survives a broken store', () => {
    storeViews('alice', [{ name: 'A', params: { search: 'a' } }])
    expect(loadViews('alice')).toEqual([{ name: 'A', params: { search: 'a' } }])
    expect(loadViews('bob')).toEqual([])
    localStorage.setItem('vmdeck.vm-views.bob', '{broken')
    expect(loadViews('bob')).toEqual([])
  })
})
