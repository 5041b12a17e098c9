import type { Method, Type } from 'protobufjs';
import * as protoRoot from '@temporalio/proto';

/**
 * The HTTP routes of Temporal's services, generated from the `google.api.http` options the
 * protos carry (as @temporalio/proto keeps them on each method): every binding and its
 * `additional_bindings`, with grpc-gateway's path templates — `{field.path}` matches one path
 * segment, `{field=pattern/*}` the segments of its pattern, and `**` the rest of the path.
 */
export interface HttpRoute {
  service: string;
  method: string;
  verb: string;
  template: string;
  /** `*` for the whole request, a field name for one field, undefined for none (query parameters). */
  body?: string;
  requestType: Type;
  responseType: Type;
  pattern: RegExp;
  /** The request field each capture group fills (proto names, dotted). */
  params: string[];
  /** Literal segments: a more literal template wins when two match. */
  literals: number;
}

interface HttpRule {
  get?: string;
  put?: string;
  post?: string;
  delete?: string;
  patch?: string;
  body?: string;
  additional_bindings?: HttpRule | HttpRule[];
}

const VERBS = ['get', 'put', 'post', 'delete', 'patch'] as const;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function segmentPattern(pattern: string): string {
  return pattern
    .split('/')
    .map((s) => (s === '**' ? '.+' : s === '*' ? '[^/]+' : escape(s)))
    .join('/');
}

/** Compiles a path template into an anchored expression and the fields its captures fill. */
export function compileTemplate(template: string): { pattern: RegExp; params: string[]; literals: number } {
  const params: string[] = [];
  let literals = 0;
  let source = '';
  const [path, verbSuffix] = template.split(/:(?=[^/}]*$)/);
  for (const segment of path.split('/').slice(1)) {
    const variable = /^\{([^}=]+)(?:=([^}]+))?\}$/.exec(segment);
    if (variable) {
      params.push(variable[1]);
      source += `/(${variable[2] ? segmentPattern(variable[2]) : '[^/]+'})`;
    } else if (segment === '*' || segment === '**') {
      source += segment === '*' ? '/[^/]+' : '/.+';
    } else {
      literals++;
      source += `/${escape(segment)}`;
    }
  }
  if (verbSuffix) source += `:${escape(verbSuffix)}`;
  return { pattern: new RegExp(`^${source}$`), params, literals };
}

function rulesOf(method: Method): HttpRule[] {
  const options = (method.parsedOptions ?? []) as Array<Record<string, unknown>>;
  const rules: HttpRule[] = [];
  for (const option of options) {
    const rule = option['(google.api.http)'] as HttpRule | undefined;
    if (!rule) continue;
    rules.push(rule);
    const extra = rule.additional_bindings;
    if (extra) rules.push(...(Array.isArray(extra) ? extra : [extra]));
  }
  return rules;
}

type Lookup = { lookupService(name: string): { methods: Record<string, Method> } };

/** The routes of the named services (fully qualified), most literal first. */
export function httpRoutes(services: string[]): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const service of services) {
    const methods = (protoRoot as unknown as Lookup).lookupService(`.${service}`).methods;
    for (const [name, method] of Object.entries(methods)) {
      method.resolve();
      for (const rule of rulesOf(method)) {
        const verb = VERBS.find((v) => typeof rule[v] === 'string');
        if (!verb) continue;
        const template = rule[verb] as string;
        routes.push({
          service, method: name, verb: verb.toUpperCase(), template, body: rule.body,
          requestType: method.resolvedRequestType as Type, responseType: method.resolvedResponseType as Type,
          ...compileTemplate(template),
        });
      }
    }
  }
  return routes.sort((a, b) => b.literals - a.literals);
}

/** The route for a request, with its path parameters (percent-decoded once), or why none. */
export function matchRoute(
  routes: HttpRoute[], verb: string, path: string,
): { route: HttpRoute; params: Record<string, string> } | 'not-found' | 'method-not-allowed' {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.verb !== verb) continue;
    const params: Record<string, string> = {};
    route.params.forEach((field, i) => (params[field] = decodeURIComponent(m[i + 1])));
    return { route, params };
  }
  return pathMatched ? 'method-not-allowed' : 'not-found';
}
