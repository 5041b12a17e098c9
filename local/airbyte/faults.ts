/**
 * POST /_sim/faults: the simulator's faults driven over HTTP (a demo stack, a
 * worker in another process). Fields, any combination:
 *   clear: true                          undo every fault
 *   failNextJob: "message" | true        every attempt of the next job fails
 *   failFirstAttempt: "message" | true   the next job's first attempt fails, the second syncs
 *   hangNextJob: true, queueNextJob: true
 *   releaseJob: <jobId>                  a hanging or queued job goes on
 *   apiDown: false | "unavailable" | "bad_gateway" | "reset", apiDownRequests: N (default: until cleared)
 *   expireTokens: true                   every token issued so far expires now
 */
import type { AirbyteSimulator } from './simulator';
import { constraintViolation, invalidJson } from './errors';

export type ApiOutage = 'unavailable' | 'bad_gateway' | 'reset';
const OUTAGES: readonly string[] = ['unavailable', 'bad_gateway', 'reset'];

export function applyFaults(sim: AirbyteSimulator, body: Record<string, unknown>): Record<string, unknown> {
  if (body === null || typeof body !== 'object') throw invalidJson('expected a JSON object');
  if (body.clear === true) {
    sim.jobs.clearFaults();
    sim.setApiDown(false);
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  if (body.failNextJob !== undefined && body.failNextJob !== false) sim.failNextJob(text(body.failNextJob));
  if (body.failFirstAttempt !== undefined && body.failFirstAttempt !== false) sim.failFirstAttemptOfNextJob(text(body.failFirstAttempt));
  if (body.hangNextJob === true) sim.hangNextJob();
  if (body.queueNextJob === true) sim.queueNextJob();
  let released: boolean | undefined;
  if (body.releaseJob !== undefined) {
    if (typeof body.releaseJob !== 'number' || !Number.isSafeInteger(body.releaseJob)) throw constraintViolation('faults.releaseJob', 'must be a job id');
    released = sim.releaseJob(body.releaseJob);
  }
  if (body.apiDown !== undefined) {
    if (body.apiDown !== false && !OUTAGES.includes(body.apiDown as string)) {
      throw constraintViolation('faults.apiDown', 'must be false, "unavailable", "bad_gateway" or "reset"');
    }
    const requests = body.apiDownRequests;
    if (requests !== undefined && (typeof requests !== 'number' || !Number.isSafeInteger(requests) || requests < 1)) {
      throw constraintViolation('faults.apiDownRequests', 'must be a positive integer');
    }
    sim.setApiDown(body.apiDown as ApiOutage | false, (requests as number | undefined) ?? Infinity);
  }
  if (body.expireTokens === true) sim.expireTokens();
  return { apiDown: sim.outage ?? false, ...(released === undefined ? {} : { released }) };
}
