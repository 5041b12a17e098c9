/** Every workflow of the service: the worker's workflowsPath. */
export { acodeDailySync } from './acode-daily-sync';
export { radarDailySync } from './radar-daily-sync';
export { healthMonitor } from './health-monitor';
export { recovery } from './recovery';
export { reconciliation } from './reconciliation';
