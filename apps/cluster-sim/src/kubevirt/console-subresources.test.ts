// The console subresources on the simulator's own virt-api.
import { consoleSubresourceSuite } from './console-subresources.suite.ts'

consoleSubresourceSuite('sim')
