import { invalidArgument, notFound } from './errors';
import { enums } from './proto';
import type { Engine } from './engine';
import type { Rpc } from './worker-rpcs';

const SERVER_VERSION = '1.24.0';

/** GetSystemInfo, DescribeNamespace, GetClusterInfo: what the SDK asks at start. */
export function systemRpcs(engine: Engine): Record<string, Rpc> {
  const namespaceInfo = () => ({
    namespaceInfo: {
      name: engine.namespace,
      state: enums.NamespaceState.NAMESPACE_STATE_REGISTERED,
      description: 'in-memory namespace of the local Temporal service',
      id: '00000000-0000-4000-8000-000000000001',
      capabilities: { eagerWorkflowStart: true, syncUpdate: true, asyncUpdate: true },
    },
    config: { workflowExecutionRetentionTtl: { seconds: 86400 } },
    isGlobalNamespace: false,
  });
  const rpcs = {
    GetSystemInfo: () => ({
      serverVersion: SERVER_VERSION,
      capabilities: {
        signalAndQueryHeader: true,
        internalErrorDifferentiation: true,
        activityFailureIncludeHeartbeat: true,
        supportsSchedules: true,
        encodedFailureAttributes: true,
        buildIdBasedVersioning: false,
        upsertMemo: true,
        eagerWorkflowStart: true,
        sdkMetadata: true,
        countGroupByExecutionStatus: false,
        nexus: false,
      },
    }),
    DescribeNamespace: (req: { namespace?: string | null; id?: string | null }) => {
      if (req.namespace && req.namespace !== engine.namespace) throw notFound(`namespace ${req.namespace}`);
      if (!req.namespace && !req.id) throw invalidArgument('DescribeNamespace: namespace is required');
      return namespaceInfo();
    },
    ListNamespaces: () => ({ namespaces: [namespaceInfo()] }),
    GetClusterInfo: () => ({
      supportedClients: {},
      serverVersion: SERVER_VERSION,
      clusterId: 'local',
      clusterName: 'local',
      historyShardCount: 1,
      persistenceStore: 'memory',
      visibilityStore: 'memory',
    }),
  };
  return rpcs as unknown as Record<string, Rpc>;
}
