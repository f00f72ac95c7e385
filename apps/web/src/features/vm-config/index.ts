export { VmConfigTab } from './components/vm-config-tab.tsx'
