import { AlertPayloadError, failureTypeFromAlertName, mapAlertPayload, parseDatadogTags } from '../../client/alert-mapping';

const now = new Date('2025-08-07T03:10:00Z');

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
    expect(() => mapAlertPayload(alertmanager([{ labels: { alertname: 'MySQLDown' } }]), now)).toThrow(
      /alerts\[0\] \(MySQLDown\) names no system/,
    );
  });
});

describe('DataDog webhook', () => {
  it('maps tags given as "$TAGS" text', () => {
    expect(parseDatadogTags('system:acode, failure_type:data_corruption,env:prod')).toEqual({ system: 'acode', failure_type: 'data_corruption', env: 'prod' });
  });

  it('maps a triggered monitor by its failure_type tag', () => {
    const mapped = mapAlertPayload(
      { id: '5501', title: '[Triggered] ACODE replica check', body: 'x', alert_type: 'error', alert_transition: 'Triggered', tags: 'system:acode,failure_type:data_corruption', date: String(Date.parse('2025-08-05T10:00:00Z')) },
      now,
    );
    expect(mapped.requests).toEqual([
      { system: 'acode', failureType: 'data_corruption', date: '2025-08-05', reason: 'datadog 5501 [Triggered] ACODE replica check', origin: 'datadog' },
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
});
