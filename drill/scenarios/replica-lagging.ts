/**
 * replica-lagging: the replica is 10 minutes behind (MASTER_DELAY holding back
 * rows the primary took 10 minutes ago) when the primary dies, as in
 * primary-down. What the recovery does, by the seed's rule that a lagging
 * replica is a risk to report and not a reason to refuse it: the monitor fails
 * over anyway (the primary is gone; the replica is the only source), names the
 * lag as a risk in the CRITICAL failover alert, lands what the replica holds
 * and reconciles it into bronze. The rows the replica had not applied are
 * counted as lost against the primary's source — the drill measures that gap.
 */
import { DRILL_FAULTS } from '../../config/objectives';
import { lagReplica } from '../replica-lag';
import type { Scenario } from '../scenario';
import { primaryDownIncident } from './primary-down';

export const LATE_ROWS = 25;

export const replicaLagging: Scenario = {
  name: 'replica-lagging',
  description: 'the replica 10 min behind when the ACODE primary dies',
  run: (ctx) =>
    primaryDownIncident(ctx, {
      name: 'replica-lagging',
      prepare: async ({ stack, timeline }) => {
        const lag = await lagReplica(stack, DRILL_FAULTS.replicaLagMs / 1000, LATE_ROWS);
        await timeline.mark('fault', `replica ${lag.secondsBehind} s behind: ${lag.lateKeys} late fiscal rows held back`);
        return [`replica ${lag.secondsBehind} s behind with ${lag.lateKeys} fiscal rows not applied when the primary died`];
      },
    }),
};
