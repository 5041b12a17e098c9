import {
  AlertPayloadError,
  DEFAULT_MAPPING_RULES,
  failureTypeFromAlertName,
  mapAlertPayload as mapVerdicts,
  parseDatadogTags,
  type AlertVerdict,
  type MappingRules,
} from '../../client/alert-mapping';
import { strategyFor } from '../../workflows/policy';

const now = new Date('2025-08-07T03:10:00Z');
const rulesAt = (at: Date, more: Partial<MappingRules> = {}): MappingRules => ({ ...DEFAULT_MAPPING_RULES, now: at, ...more });

/** The verdicts as requests, ignored reasons and refusals. */
function mapAlertPayload(payload: unknown, at: Date, more: Partial<MappingRules> = {}) {
  const verdicts: AlertVerdict[] = mapVerdicts(payload, rulesAt(at, more));
  return {
    requests: verdicts.flatMap((v) => (v.kind === 'request' ? [v.request] : [])),
    ignored: verdicts.flatMap((v) => (v.kind === 'ignored' ? [v.why] : [])),
    refused: verdicts.flatMap((v) => (v.kind === 'refused' ? [v.why] : [])),
  };
}

function alertmanager(alerts: object[], status = 'firing') {
  return { version: '4', groupKey: '{}:{alertname="x"}', status, receiver: 'recovery', alerts };
}

describe('failureTypeFromAlertName', () => {
  it.each([
    ['MySQLDown', 'primary_db_down'],
    ['ConnectionTimeout', 'connection_timeout'],
    ['AuthFailed', 'authentication_failed'],
    ['DataCorruption', 'data_corruption'],
    ['SchemaChange', 'schema_change'],
    ['NetworkPartition', 'network_partition'],
    ['primary_db_down', 'primary_db_down'],
    ['DiskAlmostFull', 'unknown'],
    ['', 'unknown'],
  ])('%s → %s', (name, type) => expect(failureTypeFromAlertName(name)).toBe(type));

  it('finds a known alert name inside a longer title', () => {
    expect(failureTypeFromAlertName('ACODE MySQLDown on db-hsp-farmarcas')).toBe('primary_db_down');
  });
});

describe('Alertmanager webhook', () => {
  it('maps each firing alert, preferring a failure_type label, and ignores resolved ones', () => {
    const mapped = mapAlertPayload(
      alertmanager([
        { status: 'firing', labels: { alertname: 'MySQLDown', system: 'acode' }, annotations: { summary: 'primary down' }, startsAt: '2025-08-07T02:55:00Z', fingerprint: 'a1' },
        { status: 'firing', labels: { alertname: 'Whatever', system: 'radar', failure_type: 'connection_timeout' }, startsAt: '2025-08-06T23:59:00Z', fingerprint: 'b2' },
        { status: 'resolved', labels: { alertname: 'AuthFailed', system: 'acode' }, startsAt: '2025-08-07T01:00:00Z', fingerprint: 'c3' },
      ]),
      now,
    );
    expect(mapped.requests).toEqual([
      { system: 'acode', failureType: 'primary_db_down', date: '2025-08-07', reason: 'alertmanager MySQLDown (a1): primary down', origin: 'alertmanager' },
      { system: 'radar', failureType: 'connection_timeout', date: '2025-08-06', reason: 'alertmanager Whatever (b2)', origin: 'alertmanager' },
    ]);
    expect(mapped.ignored).toEqual(['alerts[2] AuthFailed: resolved']);
  });

  it('takes an explicit date label, infers the system from the instance, and sends unknown names to the manual path', () => {
    const mapped = mapAlertPayload(
      alertmanager([{ labels: { alertname: 'DiskFull', instance: 'acode-backup.farmarcas.internal:9104', date: '2025-08-01' }, startsAt: 'garbage' }]),
      now,
    );
    expect(mapped.requests[0]).toMatchObject({ system: 'acode', failureType: 'unknown', date: '2025-08-01' });
  });

  it('ignores everything when the group is resolved', () => {
    const mapped = mapAlertPayload(alertmanager([{ labels: { alertname: 'MySQLDown', system: 'acode' } }], 'resolved'), now);
    expect(mapped.requests).toHaveLength(0);
    expect(mapped.ignored).toHaveLength(1);
  });

  it('refuses an alert that names no system, in one line', () => {
    expect(mapAlertPayload(alertmanager([{ labels: { alertname: 'MySQLDown' } }]), now).refused).toEqual([
      'alerts[0] (MySQLDown) names no system: set label system=acode|radar',
    ]);
  });
});

describe('DataDog webhook', () => {
  it('maps tags given as "$TAGS" text', () => {
    expect(Object.fromEntries(parseDatadogTags('system:acode, failure_type:data_corruption,env:prod'))).toEqual({ system: 'acode', failure_type: 'data_corruption', env: 'prod' });
  });

  it('maps a triggered monitor by its failure_type tag', () => {
    const mapped = mapAlertPayload(
      { id: '5501', title: '[Triggered] ACODE replica check', body: 'x', alert_type: 'error', alert_transition: 'Triggered', tags: 'system:acode,failure_type:connection_timeout', date: String(Date.parse('2025-08-05T10:00:00Z')) },
      now,
    );
    expect(mapped.requests).toEqual([
      { system: 'acode', failureType: 'connection_timeout', date: '2025-08-05', reason: 'datadog 5501 [Triggered] ACODE replica check', origin: 'datadog' },
    ]);
  });

  it('reads the alert name from the title when no tag says the failure', () => {
    const mapped = mapAlertPayload({ id: 9, title: '[Triggered] ConnectionTimeout on radar', alert_type: 'error', tags: ['team:data'] }, now);
    expect(mapped.requests[0]).toMatchObject({ system: 'radar', failureType: 'connection_timeout', date: '2025-08-07' });
  });

  it('ignores recoveries', () => {
    expect(mapAlertPayload({ id: 1, title: '[Recovered] MySQLDown acode', alert_type: 'success', alert_transition: 'Recovered' }, now).requests).toHaveLength(0);
  });
});

describe('unreadable payloads', () => {
  it.each([[null], [[1, 2]], ['text'], [{ hello: 'world' }], [{ alerts: 'no' }]])('%j is refused with AlertPayloadError', (payload) => {
    expect(() => mapAlertPayload(payload, now)).toThrow(AlertPayloadError);
  });

  it('refuses more alerts than the per-request cap as a whole (413), naming max_alerts', () => {
    const many = alertmanager(Array.from({ length: 101 }, () => ({ labels: { alertname: 'SchemaChange', system: 'acode' } })));
    expect(() => mapVerdicts(many, rulesAt(now))).toThrow(expect.objectContaining({ status: 413, message: expect.stringContaining('max_alerts: 100') }));
  });
});

describe('bounds on what an alert can start', () => {
  it('accepts dates from today back to the window, refuses the rest (labels, startsAt, epoch ms, year 5138)', () => {
    const alerts = [
      { labels: { alertname: 'SchemaChange', system: 'acode', date: '2025-07-31' } },
      { labels: { alertname: 'SchemaChange', system: 'acode', date: '2025-07-30' } },
      { labels: { alertname: 'SchemaChange', system: 'acode', date: '9999-12-31' } },
      { labels: { alertname: 'SchemaChange', system: 'acode', date: '2025-02-30' } },
      { labels: { alertname: 'SchemaChange', system: 'acode' }, startsAt: 99_999_999_999_999 },
      { labels: { alertname: 'SchemaChange', system: 'acode' }, startsAt: '2025-08-08T00:00:01Z' },
    ];
    const mapped = mapAlertPayload(alertmanager(alerts), now);
    expect(mapped.requests.map((r) => r.date)).toEqual(['2025-07-31']);
    expect(mapped.refused).toEqual([
      'alerts[1] labels.date 2025-07-30 is outside the window 2025-07-31..2025-08-07',
      'alerts[2] labels.date 9999-12-31 is outside the window 2025-07-31..2025-08-07',
      'alerts[3] labels.date: invalid date "2025-02-30": no such calendar day',
      'alerts[4] startsAt day 5138-11-16 is outside the window 2025-07-31..2025-08-07',
      'alerts[5] startsAt day 2025-08-08 is outside the window 2025-07-31..2025-08-07',
    ]);
    expect(mapAlertPayload(alertmanager([alerts[1]]), now, { windowDays: 8 }).requests).toHaveLength(1);
  });

  it('starts a full backup restore only where ALERT_ALLOW_RESTORE allows it; elsewhere a person decides', () => {
    const corrupt = alertmanager([{ labels: { alertname: 'DataCorruption', system: 'acode' }, fingerprint: 'fp1' }]);
    const manual = mapAlertPayload(corrupt, now).requests[0];
    expect(manual.failureType).toBe('unknown');
    expect(strategyFor(manual.failureType, 'acode')).toBe('manual_intervention_required');
    expect(manual.reason).toMatch(/^alertmanager DataCorruption \(fp1\) \[asked for data_corruption: a full backup restore from an alert is not allowed for acode/);
    expect(mapAlertPayload(corrupt, now, { allowRestore: ['acode'] }).requests[0]).toMatchObject({ failureType: 'data_corruption', reason: 'alertmanager DataCorruption (fp1)' });
  });

  it('cleans and shortens every text that reaches the reason, never refusing it for its length', () => {
    const hostile = `Schema\u001b[31mChange\u202E\u0007\n${'x'.repeat(600)}`;
    const mapped = mapAlertPayload(
      alertmanager([{ labels: { alertname: hostile, system: 'acode', failure_type: 'schema_change' }, fingerprint: 'f'.repeat(600), annotations: { summary: `line1\nline2 \u001b]0;title\u0007 ${'y'.repeat(900)}` } }]),
      now,
    );
    const { reason } = mapped.requests[0];
    expect(reason.length).toBeLessThanOrEqual(400);
    expect(reason).toMatch(/^alertmanager SchemaChange/);
    expect(reason).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(reason).not.toContain('[31m');
    expect(mapAlertPayload({ id: 'i'.repeat(700), title: `[Triggered] ${'t'.repeat(700)} acode`, alert_type: 'error' }, now).requests[0].reason.length).toBeLessThanOrEqual(400);
  });

  it('reads own properties only: names such as constructor are no failure type and no tag', () => {
    expect(failureTypeFromAlertName('constructor')).toBe('unknown');
    expect(failureTypeFromAlertName('toString')).toBe('unknown');
    expect(parseDatadogTags('__proto__:x,constructor:y').get('constructor')).toBe('y');
    expect(mapAlertPayload(alertmanager([{ labels: { alertname: 'hasOwnProperty', system: 'radar' } }]), now).requests[0].failureType).toBe('unknown');
  });
});
