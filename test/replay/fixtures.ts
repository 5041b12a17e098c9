/**
 * The history fixtures of test/fixtures/histories/: one JSON file per captured run
 * (historyToJSON: what historyFromJSON reads), and workflow-ids.json naming the
 * workflow id of each (a replay must run under the original id: child ids are
 * derived from it). Written by the fast workflow tests under CAPTURE_HISTORIES=1
 * (test/replay/capture-histories.ts), replayed by replay-histories.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';

export const FIXTURES_DIR = path.resolve(__dirname, '../fixtures/histories');
/** { fixture name: workflow id } */
export const WORKFLOW_IDS_FILE = 'workflow-ids.json';
/** Beside each history captured into a temporary folder: its workflow id, gathered into WORKFLOW_IDS_FILE. */
export const WORKFLOW_ID_SUFFIX = '.workflow-id';

/** The cases that must be there, with the workflow type of each. */
export const REQUIRED_FIXTURES: Record<string, string> = {
  'acode-daily-sync-success': 'acodeDailySync',
  /** One stream failed for good: the sibling cancelled and awaited before the run failed (patch cancel-siblings). */
  'acode-daily-sync-sibling-cancelled': 'acodeDailySync',
  'radar-daily-sync-partial': 'radarDailySync',
  /** Small tables in batches, the failed ones retried on their own (patch radar-table-batches). */
  'radar-daily-sync-batched-partial': 'radarDailySync',
  'radar-daily-sync-critical-abort': 'radarDailySync',
  'recovery-retry-primary-recovered': 'recovery',
  'recovery-retry-primary-escalated-to-backup': 'recovery',
  /** The lake's storage down: asked every minute, the sync re-run once it answered (patch storage-checks). */
  'recovery-storage-checks-recovered': 'recovery',
  'recovery-use-backup-immediately': 'recovery',
  'recovery-full-backup-restore': 'recovery',
  /** Waited for a person and got a decision (operatorDecision use_backup). */
  'recovery-manual-decision-use-backup': 'recovery',
  /** Nobody answered: paged, then aborted. */
  'recovery-manual-unanswered-aborted': 'recovery',
  /** The second run of a monitor, after continue-as-new. */
  'health-monitor-after-continue-as-new': 'healthMonitor',
  'reconciliation-after-backup': 'reconciliation',
};

/** Fixture names (file names without .json) in a folder, sorted. */
export function fixtureNames(dir = FIXTURES_DIR): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json') && f !== WORKFLOW_IDS_FILE)
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  } catch {
    return [];
  }
}

export function loadFixture(name: string, dir = FIXTURES_DIR): History {
  return historyFromJSON(JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')));
}

/** The workflow id of each fixture of the folder. */
export function loadWorkflowIds(dir = FIXTURES_DIR): Record<string, string> {
  try {
    return JSON.parse(readFileSync(path.join(dir, WORKFLOW_IDS_FILE), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/** The workflow type a history ran, from its first event. */
export function workflowTypeOf(history: History): string {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '';
}
