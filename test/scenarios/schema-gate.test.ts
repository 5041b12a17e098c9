/**
 * The lake's schema gate end to end: a daily ACODE sync on the Airbyte engine
 * whose landed files differ from the declared lake schema fails as
 * schema_change naming the file and the column, before anything reads the
 * day, and hands over to a recovery that needs a person
 * (manual_intervention_required; unanswered, it is aborted at its bound).
 * The differences are real ones: Airbyte's destination upgraded to 1.0
 * (metadata columns renamed), a column added to the source, a column whose
 * type changed in the source.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ACODE_FISCAL_TABLE, partitionFileName, partitionPrefix } from '../../config/pipelines';
import { acodeDailySyncId, recoveryId } from '../../workflows/ids';
import type { RecoveryResult } from '../../workflows/recovery';
import { SHORT_TIMINGS, startStack, type Stack } from '../helpers/stack-env';
import { failureOf } from '../helpers/failure-of';
import { resetAcodeConnections } from './scenario-checks';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ fiscalRows: 600, radar: false });
}, 120_000);
afterAll(() => stack?.teardown());
beforeEach(() => resetAcodeConnections(stack));

async function alterFiscal(sql: string): Promise<void> {
  await stack.pair.primary.withAdmin((conn) => conn.query(`ALTER TABLE ${ACODE_FISCAL_TABLE} ${sql}`).then(() => undefined), 'acode_farmarcas');
}

/** Runs the day's sync on the Airbyte engine; returns its failure and the recovery it handed over to. */
async function failingDailySync(date: string): Promise<{ cause: ApplicationFailure; recovery: RecoveryResult }> {
  stack.setAirbyteDate(date);
  const daily = await stack.start('acodeDailySync', { date, engine: 'airbyte', timings: SHORT_TIMINGS }, acodeDailySyncId(date, 'primary'));
  const failure = await failureOf(daily.result());
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
  const recovery = (await stack.client.workflow.getHandle(recoveryId('acode', 'schema_change', date)).result()) as RecoveryResult;
  return { cause, recovery };
}

function expectManualIntervention(recovery: RecoveryResult): void {
  expect(recovery.strategy).toBe('manual_intervention_required');
  expect(recovery.steps.map((s) => s.step)).toContain('waiting_for_operator');
  expect(recovery.outcome).toBe('aborted');
}

const fiscalFile = (date: string) => `s3://${stack.buckets.bronze}/${partitionPrefix('acode', ACODE_FISCAL_TABLE, date)}${partitionFileName('acode', ACODE_FISCAL_TABLE, 1)}`;

test('Airbyte upgraded to destination-s3 1.0 (metadata columns renamed): schema_change naming file and columns, manual intervention', async () => {
  const date = '2024-09-01';
  stack.setAirbyteDestination('destination-s3-1.0');
  let result: Awaited<ReturnType<typeof failingDailySync>>;
  try {
    result = await failingDailySync(date);
  } finally {
    stack.setAirbyteDestination('destination-s3-0.3');
  }
  expect(result.cause.type).toBe('schema_change');
  expect(result.cause.message).toMatch(/failed at validation: schema change in s3:\/\/[^ ]+\/file_farmarcas_si_analitico_diario\w*_001\.parquet: /);
  expect(result.cause.message).toContain('declared column _airbyte_ab_id STRING missing; declared column _airbyte_emitted_at TIMESTAMP(MILLIS,UTC) missing');
  expect(result.cause.message).toContain('column _airbyte_raw_id STRING (position 1) not declared');
  expectManualIntervention(result.recovery);
});

/** The day's sync with the fiscal table altered by `change`, put back by `undo` whatever happens. */
async function failingWhileAltered(date: string, change: string, undo: string): Promise<Awaited<ReturnType<typeof failingDailySync>>> {
  await alterFiscal(change);
  try {
    return await failingDailySync(date);
  } finally {
    await alterFiscal(undo);
  }
}

test('a column added to the source: schema_change naming the file and the new column', async () => {
  const date = '2024-09-02';
  const result = await failingWhileAltered(date, 'ADD COLUMN `Codigo_Beneficio` VARCHAR(10) NULL', 'DROP COLUMN `Codigo_Beneficio`');
  expect(result.cause.type).toBe('schema_change');
  expect(result.cause.message).toContain(`schema change in ${fiscalFile(date)}: column Codigo_Beneficio STRING (position 23) not declared`);
  expectManualIntervention(result.recovery);
});

test('a column whose type changed in the source: schema_change naming file, column, declared and found type', async () => {
  const date = '2024-09-03';
  const result = await failingWhileAltered(date, 'MODIFY `Aliquota_ICMS` VARCHAR(12) NULL', 'MODIFY `Aliquota_ICMS` DECIMAL(5,2) NULL');
  expect(result.cause.type).toBe('schema_change');
  expect(result.cause.message).toContain(`schema change in ${fiscalFile(date)}: column Aliquota_ICMS: declared DOUBLE, found STRING`);
  expectManualIntervention(result.recovery);
});
