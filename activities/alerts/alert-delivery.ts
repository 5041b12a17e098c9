/**
 * Posts an alert to one receiver. A receiver that is down, slow, rate-limiting
 * or failing (5xx) gives a retryable failure naming the channel; one that
 * rejects the message (other 4xx) gives a non-retryable one. Messages name the
 * channel and the HTTP status, never the webhook URL (its path is a secret).
 */
import { ApplicationFailure } from '@temporalio/common';

export const ALERT_DELIVERY_FAILED = 'alert_delivery_failed';

/** The innermost message of a fetch failure ("connect ECONNREFUSED …"), read by shape, not by class. */
function networkCause(error: unknown): string {
  let current = error as { message?: unknown; cause?: unknown; code?: unknown } | undefined;
  let message = String(error);
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    if (typeof current.message === 'string' && current.message !== '') message = current.message;
    else if (typeof current.code === 'string') message = current.code;
    current = current.cause as typeof current;
  }
  return message.replace(/[\r\n]+/g, ' ');
}

export interface Delivery {
  /** e.g. "Slack #alerts" or "PagerDuty". */
  channel: string;
  url: string;
  body: unknown;
}

export async function deliver(doFetch: typeof fetch, timeoutMs: number, { channel, url, body }: Delivery): Promise<string> {
  let response: Response;
  let text: string;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw ApplicationFailure.create({
      type: ALERT_DELIVERY_FAILED,
      message: `${channel} unreachable: ${networkCause(error)}`,
      nonRetryable: false,
      details: [{ channel }],
    });
  }
  if (!response.ok) {
    const retryable = response.status >= 500 || response.status === 429 || response.status === 408;
    throw ApplicationFailure.create({
      type: ALERT_DELIVERY_FAILED,
      message: `${channel} refused the alert: HTTP ${response.status} ${text.replace(/\s+/g, ' ').slice(0, 200)}`,
      nonRetryable: !retryable,
      details: [{ channel, httpStatus: response.status }],
    });
  }
  return text;
}
