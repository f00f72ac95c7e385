// What other parts of the app show of the task history (loaded on first render, app/lazy-features.ts).
export { TasksDrawer } from './components/tasks-drawer.tsx'
export { VmTimeline } from './components/vm-timeline.tsx'
export { default as TasksPage } from './components/tasks-page.tsx'
