/**
 * docker-compose.yml on supported releases (Temporal's server image with its schema set up by
 * the admin tools, no auto-setup, no tctl, every image pinned), and the Dockerfile on a Node
 * LTS that production supports, non-root, with production dependencies only.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const composeText = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText) as { services: Record<string, any> };
const services = compose.services;
const tagOf = (service: string) => String(services[service].image).split(':')[1];

describe('docker-compose.yml', () => {
  it('pins every image to a release tag', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue;
      expect(`${name} ${service.image}`).toMatch(/^\S+ [a-z0-9./-]+:[A-Za-z0-9._-]+$/);
      expect(`${name} ${service.image}`).not.toMatch(/:latest$/);
    }
  });

  it('runs the Temporal server image, no auto-setup and no tctl', () => {
    expect(composeText).not.toMatch(/auto-setup|tctl/);
    expect(services.temporal.image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    expect(services['temporal-schema'].image).toBe(`temporalio/admin-tools:${tagOf('temporal')}`);
    expect(services['temporal-admin-tools'].image).toBe(`temporalio/admin-tools:${tagOf('temporal')}`);
    expect(services['temporal-ui'].image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
  });

  it('sets up both schemas before the server starts', () => {
    const setup = services['temporal-schema'].command.join(' ');
    for (const db of ['temporal', 'temporal_visibility']) {
      expect(setup).toContain(`temporal-sql-tool --db ${db} create`);
      expect(setup).toContain(`temporal-sql-tool --db ${db} setup-schema -v 0.0`);
    }
    expect(setup).toContain('update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned');
    expect(setup).toContain('update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned');
    expect(services.temporal.depends_on['temporal-schema'].condition).toBe('service_completed_successfully');
  });

  it('checks the cluster with the temporal CLI and creates the namespace the worker uses', () => {
    const tools = services['temporal-admin-tools'];
    expect(tools.healthcheck.test.join(' ')).toContain('temporal operator cluster health');
    expect(tools.command.join(' ')).toContain(`temporal operator namespace create -n ${services.worker.environment.TEMPORAL_NAMESPACE}`);
    for (const dependent of ['worker', 'temporal-ui']) {
      expect(services[dependent].depends_on['temporal-admin-tools'].condition).toBe('service_healthy');
    }
  });

  it('keeps the services it had', () => {
    for (const name of ['postgresql', 'temporal', 'temporal-ui', 'mariadb-primary', 'mariadb-replica', 'minio', 'minio-buckets', 'worker', 'airbyte-sim']) {
      expect(services[name]).toBeDefined();
    }
    expect(services.worker.environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(services['temporal-ui'].ports).toEqual(['8080:8080']);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('builds and runs on a Node LTS production supports (22 or 24), bookworm-slim', () => {
    expect(stages.length).toBeGreaterThan(0);
    for (const stage of stages) expect(stage.split('\n')[0]).toMatch(/^node:(22|24)-bookworm-slim\b/);
  });

  it('runs as a non-root user with production dependencies only', () => {
    const runtime = stages[stages.length - 1];
    const user = /^USER (\S+)/m.exec(runtime)?.[1];
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime).toMatch(/npm ci --omit=dev/);
  });

  it('says in package.json which Node versions the service runs on', () => {
    const { engines } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(engines.node).toBe('>=20');
  });
});
