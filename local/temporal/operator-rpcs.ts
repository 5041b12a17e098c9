import { status } from '@grpc/grpc-js';
import { ServiceError, invalidArgument } from './errors';
import type { SearchAttributeRegistry } from './search-attributes';
import type { Rpc } from './worker-rpcs';
import type { temporal } from './proto';

export const OPERATOR_SERVICE = 'temporal.api.operatorservice.v1.OperatorService';

type os = typeof temporal.api.operatorservice.v1;
type Req<K extends keyof os> = os[K] extends { create(p?: infer P): unknown } ? NonNullable<P> : never;

/**
 * The search attribute calls of Temporal's OperatorService, answered as
 * service/frontend/operator_handler.go does on SQL visibility (the dev server's): the
 * namespace is required, and only that namespace's custom attributes are listed as custom.
 */
export function operatorRpcs(registry: SearchAttributeRegistry): Record<string, Rpc> {
  const namespaceOf = (namespace: string | null | undefined): void => {
    if (!namespace) throw invalidArgument('Namespace is not set on request.');
    if (namespace !== registry.namespace) {
      throw new ServiceError(status.UNAVAILABLE, `Unable to get namespace ${namespace} info with error: Namespace ${namespace} is not found.`);
    }
  };
  const rpcs = {
    AddSearchAttributes(req: Req<'AddSearchAttributesRequest'>) {
      const attributes = Object.fromEntries(Object.entries(req.searchAttributes ?? {}).map(([k, v]) => [k, Number(v)]));
      registry.checkAddRequest(attributes);
      namespaceOf(req.namespace);
      registry.add(attributes);
      return {};
    },
    RemoveSearchAttributes(req: Req<'RemoveSearchAttributesRequest'>) {
      const names = req.searchAttributes ?? [];
      if (names.length === 0) throw invalidArgument('SearchAttributes are not set on request.');
      namespaceOf(req.namespace);
      registry.remove(names);
      return {};
    },
    ListSearchAttributes(req: Req<'ListSearchAttributesRequest'>) {
      namespaceOf(req.namespace);
      return { customAttributes: registry.customAttributes(), systemAttributes: registry.systemAttributes(), storageSchema: {} };
    },
  };
  return rpcs as unknown as Record<string, Rpc>;
}
