/** The pure sanitiser: control characters, secrets, metric names, truncation, Slack escaping. */
import {
  ALERT_LIMITS,
  escapeSlackText,
  isSensitiveMetricName,
  redactSecrets,
  sanitizeMetrics,
  sanitizeText,
  stripControlCharacters,
  truncate,
} from '../../activities/alerts/alert-sanitize';

test('control and direction-changing characters are stripped, newlines flattened unless multiline', () => {
  expect(stripControlCharacters('a\u0000b\u001bc\u007f\u202Ed\u200Be')).toBe('abcde');
  expect(stripControlCharacters('line1\r\nline2\tx')).toBe('line1 line2 x');
  expect(stripControlCharacters('line1\r\nline2', { multiline: true })).toBe('line1\nline2');
  expect(stripControlCharacters('\u001b[1;31mred\u001b[0m \u001b]0;title\u0007x \u009b2Jy \u001b[2K\u061Cz')).toBe('red x y z');
});

test('values shaped like secrets are redacted', () => {
  const cases: [string, string][] = [
    ['connect failed password=Sup3rS3cret! host=db', 'Sup3rS3cret!'],
    ['mysql://userfarmarcasac02:hunter2pass@db-hsp-farmarcas.acode.com.br:3306/acode_farmarcas', 'hunter2pass'],
    ['Authorization: Bearer abc.def-ghi', 'abc.def-ghi'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sgn4tur3', 'eyJzdWIiOiIxIn0'],
    ['hash $2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW', 'R9h/cIPz0gi'],
    ['md5 5f4dcc3b5aa765d61d8327deb882cf99 seen', '5f4dcc3b5aa765d61d8327deb882cf99'],
    ['mysql hash *2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19', '2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'],
    ['token: a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7'],
    ['slack xoxb-123-456-abcdef', 'xoxb-123-456-abcdef'],
    ['key AKIAIOSFODNN7EXAMPLE used', 'AKIAIOSFODNN7EXAMPLE'],
    ['senha=minhasenha123', 'minhasenha123'],
  ];
  for (const [input, secret] of cases) {
    const out = redactSecrets(input);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED]');
  }
});

test('ordinary operational text survives redaction', () => {
  const text =
    's3://farmarcas-production-bronze/origin=airbyte/database=bronze_acode/farmarcas_si_analitico_diario_complemento/cog_dt_ingestion=2024-03-01/ ' +
    'run 6f1c2a9e-0b7d-4c55-9a0e-2d4f8b1e7c33, 50,000,000 rows, lag 312 s';
  expect(redactSecrets(text)).toBe(text);
});

test('metrics named like secrets, non-plain values and extras are withheld', () => {
  const { entries, withheld } = sanitizeMetrics({
    rows: 120000,
    password: 'hunter2',
    db_password_hash: 'x',
    apiToken: 'y',
    lagSeconds: 312,
    row: { idpk: 1, CNPJ: '12.345.678/0001-90' },
    ok: true,
  });
  expect(entries).toEqual([
    ['rows', '120000'],
    ['lagSeconds', '312'],
    ['ok', 'true'],
  ]);
  expect(withheld).toBe(4);

  const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`m${i}`, i]));
  const capped = sanitizeMetrics(many);
  expect(capped.entries).toHaveLength(ALERT_LIMITS.metrics);
  expect(capped.withheld).toBe(10);
});

test('secret-sounding metric names are told apart from ordinary ones', () => {
  for (const name of ['password', 'db_pass', 'dbPass', 'PWD', 'apiKey', 'api-key', 'token_hash', 'clientSecret', 'auth', 'senha']) {
    expect([name, isSensitiveMetricName(name)]).toEqual([name, true]);
  }
  for (const name of ['passed', 'rows', 'authentication_failures', 'bypassRate', 'lagSeconds']) {
    expect([name, isSensitiveMetricName(name)]).toEqual([name, false]);
  }
});

test('long fields are cut with an ellipsis, after redaction', () => {
  expect(truncate('abcdef', 4)).toBe('abc…');
  const long = `${'x'.repeat(10_000)}`;
  expect(Array.from(sanitizeText(long, 150))).toHaveLength(150);
  const secretAtCut = `${'y'.repeat(140)} password=abcdefghijklmnop`;
  expect(sanitizeText(secretAtCut, 150)).not.toContain('abcdefgh');
});

test('Slack markup characters are escaped', () => {
  expect(escapeSlackText('<!channel> & <https://evil.example|click>')).toBe('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
});
