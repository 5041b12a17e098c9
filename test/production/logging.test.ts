/** Structured logs: one JSON object a line, Temporal attributes renamed, secrets redacted by value and by key. */
import { createServiceLogging, logFormatFrom, prettyLine, redactKeys, redactText, secretValues, REDACTED } from '../../worker/logging';
import { loadEnvConfig } from '../../config/env';

function capture() {
  const lines: string[] = [];
  let buffer = '';
  return {
    lines,
    out: {
      write(text: string) {
        buffer += text;
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        lines.push(...parts);
      },
    },
  };
}

const ENV = {
  ACODE_PASS: 'acode-Pa55"word',
  RADAR_PASS: 'radar-secret-value',
  PAGERDUTY_ROUTING_KEY: 'pd-routing-0123456789',
  TEMPORAL_API_KEY: 'tk-abcdef123456',
  AWS_SECRET_ACCESS_KEY: 'aws-s3cr3t-key',
  ACODE_USER: 'userfarmarcasac02',
  SHORT_PASS: 'ab',
};

describe('secret values from the environment', () => {
  it('takes Slack webhook URLs and the passwords of URLs with credentials, not file paths', () => {
    const env = {
      SLACK_WEBHOOK_ALERTS: 'https://hooks.slack.com/services/T000/B000/abcdefabcdef',
      AIRBYTE_URL: 'https://airbyte:air%40pass-word@airbyte.internal:8001',
      ALERT_INTAKE_TOKEN: 'intake-0123456789abcdef',
      ALERT_INTAKE_TOKEN_FILE: '/var/run/secrets/intake/token',
    };
    const values = secretValues(env);
    expect(values).toEqual(expect.arrayContaining([env.SLACK_WEBHOOK_ALERTS, env.ALERT_INTAKE_TOKEN, 'air%40pass-word', 'air@pass-word']));
    expect(values).not.toContain(env.ALERT_INTAKE_TOKEN_FILE);
    expect(redactKeys({ slackWebhooks: { alerts: env.SLACK_WEBHOOK_ALERTS } })).toEqual({ slackWebhooks: REDACTED });
  });

  it('reads the secrets at each line, so those set after start-up are redacted too', () => {
    const lines: string[] = [];
    const env: Record<string, string> = {};
    const { logger } = createServiceLogging({ format: 'json', env, out: { write: (t: string) => lines.push(t) } });
    env.RADAR_PASS = 'set-later-secret';
    logger.info('connecting with set-later-secret');
    expect(lines.join('')).not.toContain('set-later-secret');
  });

  it('takes the values of *_PASS, *SECRET*, *TOKEN*, *API_KEY*, *ROUTING_KEY* variables and no others', () => {
    const values = secretValues(ENV);
    expect(values).toEqual(expect.arrayContaining([ENV.ACODE_PASS, ENV.RADAR_PASS, ENV.PAGERDUTY_ROUTING_KEY, ENV.TEMPORAL_API_KEY, ENV.AWS_SECRET_ACCESS_KEY]));
    expect(values).not.toContain(ENV.ACODE_USER);
    expect(values).not.toContain('ab');
  });

  it('redacts raw and JSON-escaped occurrences', () => {
    const secrets = secretValues(ENV);
    const text = `login with ${ENV.ACODE_PASS} and ${JSON.stringify({ k: ENV.ACODE_PASS })}`;
    const out = redactText(text, secrets);
    expect(out).not.toContain('Pa55');
    expect(out.split(REDACTED)).toHaveLength(3);
  });

  it('replaces values of keys that name a secret, at any depth, and keeps the rest', () => {
    const out = redactKeys({ user: 'u', password: 'p', nested: [{ apiKey: 'k', routing_key: 'r', rows: 3 }], Authorization: 'Bearer x' });
    expect(out).toEqual({ user: 'u', password: REDACTED, nested: [{ apiKey: REDACTED, routing_key: REDACTED, rows: 3 }], Authorization: REDACTED });
  });
});

describe('service logger', () => {
  it('writes one JSON object a line with workflowId, runId, activityType and attempt from Temporal attributes', () => {
    const { lines, out } = capture();
    const { temporalLogger, format } = createServiceLogging({ format: 'json', level: 'info', env: ENV, out });
    expect(format).toBe('json');
    temporalLogger.info('Activity completed', {
      workflowId: 'acode-daily-2024-05-01',
      workflowRunId: 'run-1',
      activityType: 'syncTableToS3',
      attempt: 2,
      taskToken: 'opaque-token',
      sdkComponent: 'activity',
    });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ msg: 'Activity completed', workflowId: 'acode-daily-2024-05-01', runId: 'run-1', activityType: 'syncTableToS3', attempt: 2, component: 'activity', level: 30 });
    expect(entry.taskToken).toBeUndefined();
  });

  it('never writes a secret value, wherever it appears (message, attributes, errors)', () => {
    const { lines, out } = capture();
    const { logger, temporalLogger } = createServiceLogging({ format: 'json', level: 'debug', env: ENV, out });
    temporalLogger.warn(`connect failed for user with password ${ENV.ACODE_PASS}`, { detail: `key=${ENV.PAGERDUTY_ROUTING_KEY}` });
    logger.error({ err: new Error(`auth ${ENV.TEMPORAL_API_KEY}`), password: 'anything' }, 'boom');
    logger.info({ header: `Bearer ${ENV.AWS_SECRET_ACCESS_KEY}` }, `radar ${ENV.RADAR_PASS}`);
    const all = lines.join('\n');
    expect(lines).toHaveLength(3);
    for (const secret of secretValues(ENV)) expect(all).not.toContain(secret);
    expect(all).not.toContain('anything');
    expect(all.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(5);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('drops entries below the level', () => {
    const { lines, out } = capture();
    const { temporalLogger } = createServiceLogging({ format: 'json', level: 'warn', env: {}, out });
    temporalLogger.info('quiet');
    temporalLogger.debug('quieter');
    temporalLogger.error('loud');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['loud']);
  });

  it('pretty format writes readable lines with the fields', () => {
    const { lines, out } = capture();
    const { logger } = createServiceLogging({ format: 'pretty', level: 'info', env: ENV, out });
    logger.info({ workflowId: 'wf-1', attempt: 1 }, `synced ${ENV.RADAR_PASS}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO  synced \[redacted\]  workflowId=wf-1 attempt=1$/);
    expect(prettyLine('not json')).toBe('not json');
  });

  it('LOG_FORMAT picks the format, defaulting to pretty on a terminal; a bad value is one clear line', () => {
    expect(logFormatFrom(undefined, true)).toBe('pretty');
    expect(logFormatFrom(undefined, false)).toBe('json');
    expect(logFormatFrom(loadEnvConfig({ LOG_FORMAT: 'json' }).LOG_FORMAT, true)).toBe('json');
    expect(() => loadEnvConfig({ LOG_FORMAT: 'xml' })).toThrow(/^invalid configuration: LOG_FORMAT: /);
    expect(() => createServiceLogging({ format: 'json', level: 'loud', env: {} })).toThrow('LOG_LEVEL: unknown level "loud"');
  });
});
