// What other parts of the app show of templates (loaded on first render, app/lazy-features.ts).
export { default as TemplatesPage } from './components/templates-page.tsx'
export { SaveAsTemplate } from './components/save-template-dialog.tsx'
