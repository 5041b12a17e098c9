import { classifyMysqlError, describeMysqlError } from '../../activities/mysql/mysql-errors';

const err = (fields: Record<string, unknown>) => Object.assign(new Error(String(fields.message ?? 'x')), fields);

test.each([
  [{ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }, 'authentication_failed'],
  [{ errno: 1045 }, 'authentication_failed'],
  [{ code: 'ETIMEDOUT' }, 'connection_timeout'],
  [{ code: 'PROTOCOL_SEQUENCE_TIMEOUT' }, 'connection_timeout'],
  [{ message: 'connect ETIMEDOUT' }, 'connection_timeout'],
  [{ code: 'ECONNREFUSED' }, 'primary_db_down'],
  [{ code: 'PROTOCOL_CONNECTION_LOST' }, 'primary_db_down'],
  [{ errno: 2006 }, 'primary_db_down'],
  [{ errno: 2013 }, 'primary_db_down'],
  [{ code: 'EHOSTUNREACH' }, 'network_partition'],
  [{ code: 'ENETUNREACH' }, 'network_partition'],
  [{ code: 'ENOTFOUND' }, 'network_partition'],
  [{ code: 'EAI_AGAIN' }, 'network_partition'],
  [{ code: 'ER_NO_SUCH_TABLE', errno: 1146 }, 'schema_change'],
  [{ errno: 1054 }, 'schema_change'],
  [{ code: 'ER_DUP_ENTRY', errno: 1062 }, 'unknown'],
  [{ code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205, message: 'Lock wait timeout exceeded' }, 'unknown'],
])('%j is %s', (fields, expected) => {
  expect(classifyMysqlError(err(fields))).toBe(expected);
});

test('a reset while connecting is the network refusing (network_partition); after the session opened, the server gone', () => {
  expect(classifyMysqlError(err({ code: 'ECONNRESET', syscall: 'read' }), { connecting: true })).toBe('network_partition');
  expect(classifyMysqlError(err({ code: 'ECONNRESET', syscall: 'connect' }), { connecting: true })).toBe('network_partition');
  expect(classifyMysqlError(err({ code: 'ECONNRESET' }))).toBe('primary_db_down');
  expect(classifyMysqlError(err({ code: 'ECONNREFUSED' }), { connecting: true })).toBe('primary_db_down');
  expect(classifyMysqlError(new AggregateError([err({ code: 'ECONNRESET' })], ''), { connecting: true })).toBe('network_partition');
});

test('an AggregateError is classified by its first known cause', () => {
  const aggregate = new AggregateError([err({ code: 'ECONNREFUSED' }), err({ code: 'ENETUNREACH' })], '');
  expect(classifyMysqlError(aggregate)).toBe('primary_db_down');
});

test('non-errors are unknown', () => {
  expect(classifyMysqlError(undefined)).toBe('unknown');
  expect(classifyMysqlError('boom')).toBe('unknown');
});

test('descriptions are one line, carry the code and blank out secrets', () => {
  const text = describeMysqlError(err({ code: 'ECONNREFUSED', message: 'connect refused\nwith s3cr3t inside' }), ['s3cr3t']);
  expect(text).toBe('ECONNREFUSED: connect refused with *** inside');
});
