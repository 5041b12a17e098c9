/**
 * Checks what went over the wire against the spec's schemas (config-api-endpoints.ts):
 * every request the client sent carries only fields the spec defines for it, and
 * every success answer of the simulator has every field the spec requires.
 */
import { CONFIG_API, isEndpoint } from '../../activities/airbyte/config-api-endpoints';
import { HealthCheckRead } from '../../activities/airbyte/config-api-responses';
import type { AirbyteSimulator } from '../../local/airbyte/simulator';

export interface Conformance {
  requests: number;
  problems: string[];
}

export function specConformance(sim: AirbyteSimulator): Conformance {
  const problems: string[] = [];
  for (const r of sim.requests) {
    if (r.path === '/api/v1/health') {
      if (r.status === 200 && !HealthCheckRead.safeParse(r.response).success) problems.push(`health answer ${JSON.stringify(r.response)}`);
      continue;
    }
    const endpoint = r.path.replace(/^\/api\/v1\//, '');
    if (!isEndpoint(endpoint)) {
      problems.push(`${r.method} ${r.path}: not an endpoint of the spec the client uses`);
      continue;
    }
    if (r.body !== undefined) {
      const sent = CONFIG_API[endpoint].request.safeParse(r.body);
      if (!sent.success) problems.push(`request ${endpoint} ${JSON.stringify(r.body)}: ${sent.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    if (r.status === 200) {
      const answered = CONFIG_API[endpoint].response.safeParse(r.response);
      if (!answered.success) problems.push(`answer ${endpoint}: ${answered.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
  }
  return { requests: sim.requests.length, problems };
}
