/**
 * A local Slack incoming-webhook receiver. Each channel gets its own webhook URL
 * (/services/T…/B…/<token>), as Slack issues one per channel. Answers like Slack:
 * 200 "ok"; 400 "invalid_payload" for a body that is not JSON; 400 "no_text" when
 * there is neither text nor blocks; 400 "invalid_blocks" for blocks breaking
 * Slack's limits; 404 "no_service" for an unknown webhook path.
 */
import { randomBytes } from 'node:crypto';
import { parseJsonObject, RecordingReceiver, type Answer } from './recording-receiver';

export interface SlackMessage {
  /** The channel whose webhook received it, e.g. alerts. */
  channel: string;
  text?: string;
  blocks?: Record<string, unknown>[];
  /** The body exactly as received. */
  raw: string;
}

const BLOCK_TYPES = new Set(['header', 'section', 'context', 'divider', 'actions', 'image', 'rich_text']);
const token = (n: number) => randomBytes(n).toString('hex').toUpperCase();

function textOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const t = (value as { type?: unknown; text?: unknown });
  return (t.type === 'plain_text' || t.type === 'mrkdwn') && typeof t.text === 'string' ? t.text : undefined;
}

/** Slack's published block limits; returns what is wrong, or undefined. */
function blockProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > 50) return 'more than 50 blocks';
  for (const [i, block] of blocks.entries()) {
    const b = block as Record<string, unknown>;
    if (b === null || typeof b !== 'object' || typeof b.type !== 'string' || !BLOCK_TYPES.has(b.type)) return `blocks[${i}] has no known type`;
    if (b.type === 'header') {
      const text = textOf(b.text);
      if (text === undefined || (b.text as { type: string }).type !== 'plain_text') return `blocks[${i}].text must be plain_text`;
      if (text.length > 150) return `blocks[${i}].text longer than 150`;
    }
    if (b.type === 'section') {
      const text = b.text === undefined ? undefined : textOf(b.text);
      if (b.text !== undefined && (text === undefined || text.length > 3000)) return `blocks[${i}].text invalid or longer than 3000`;
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields) || b.fields.length > 10) return `blocks[${i}].fields must be at most 10`;
        if (b.fields.some((f) => (textOf(f)?.length ?? Infinity) > 2000)) return `blocks[${i}].fields entry invalid or longer than 2000`;
      }
      if (b.text === undefined && b.fields === undefined) return `blocks[${i}] needs text or fields`;
    }
    if (b.type === 'context') {
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) return `blocks[${i}].elements must be 1 to 10`;
      if (b.elements.some((e) => (textOf(e)?.length ?? Infinity) > 3000)) return `blocks[${i}].elements entry invalid`;
    }
  }
  return undefined;
}

export class SlackReceiver extends RecordingReceiver<SlackMessage> {
  private readonly channelByPath = new Map<string, string>();

  constructor(channels: string[]) {
    super();
    for (const channel of channels) this.channelByPath.set(`/services/T${token(4)}/B${token(4)}/${token(12)}`, channel);
  }

  /** The webhook URL of a channel (call after listen). */
  webhookUrl(channel: string): string {
    for (const [path, c] of this.channelByPath) if (c === channel) return `${this.url}${path}`;
    throw new Error(`slack receiver: no webhook for channel ${channel}`);
  }

  /** Messages a channel received. */
  messages(channel: string): SlackMessage[] {
    return this.received().filter((m) => m.channel === channel);
  }

  protected answer(method: string, path: string, body: string): Answer {
    const plain = (status: number, text: string): Answer => ({ status, contentType: 'text/html', body: text });
    const channel = this.channelByPath.get(path);
    if (method !== 'POST' || channel === undefined) return plain(404, 'no_service');
    const payload = parseJsonObject(body);
    if (!payload) return plain(400, 'invalid_payload');
    const hasText = typeof payload.text === 'string' && payload.text.trim() !== '';
    const hasBlocks = Array.isArray(payload.blocks) && payload.blocks.length > 0;
    if (!hasText && !hasBlocks) return plain(400, 'no_text');
    if (payload.blocks !== undefined && blockProblem(payload.blocks)) return plain(400, 'invalid_blocks');
    this.record({
      channel,
      text: hasText ? (payload.text as string) : undefined,
      blocks: hasBlocks ? (payload.blocks as Record<string, unknown>[]) : undefined,
      raw: body,
    });
    return plain(200, 'ok');
  }
}

export async function startSlackReceiver(channels = ['data-engineering', 'alerts'], port = 0): Promise<SlackReceiver> {
  const receiver = new SlackReceiver(channels);
  await receiver.listen(port);
  return receiver;
}
