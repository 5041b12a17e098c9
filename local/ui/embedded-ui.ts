import type { HttpApi } from '../temporal/http-api';
import { BUILD_DIR, buildUi, uiBuildState, type UiBuild } from './build';
import { startUiServer, type UiServer, type UiServerOptions } from './server';

/**
 * Temporal's UI on the embedded stack: served at once on loopback (TEMPORAL_UI_HOST/PORT), from
 * ui/build when it is up to date; otherwise built once in the background when its dependencies
 * are installed (the page says so until then), or left out with the reason, the job going on.
 */
export interface EmbeddedUiOptions {
  api: HttpApi;
  namespace: string;
  host: string;
  port: number;
  log: (line: string) => void;
}

export interface EmbeddedUi {
  url: string;
  /** Settles when the UI can be used (or will not be): true when it can. */
  ready: Promise<boolean>;
  shutdown(): Promise<void>;
}

async function listen(options: EmbeddedUiOptions, serve: Omit<UiServerOptions, 'host' | 'port'>): Promise<UiServer> {
  try {
    return await startUiServer({ ...serve, host: options.host, port: options.port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.port === 0) throw err;
    options.log(`port ${options.port} is taken: the Temporal UI takes a free one`);
    return startUiServer({ ...serve, host: options.host, port: 0 });
  }
}

export async function startEmbeddedUi(options: EmbeddedUiOptions): Promise<EmbeddedUi> {
  const state = uiBuildState();
  let dir = state.kind === 'ready' ? state.dir : undefined;
  let reason = state.kind === 'ready' ? '' : state.kind === 'buildable' ? 'it is being built (about 2 minutes); reload this page then' : state.reason;
  let build: UiBuild | undefined;
  let ready: Promise<boolean> = Promise.resolve(state.kind === 'ready');
  if (state.kind === 'buildable') {
    options.log(`Temporal UI: ${state.reason}; building it once in the background (about 2 minutes)`);
    build = buildUi();
    ready = build.done.then(
      () => {
        dir = BUILD_DIR;
        options.log('Temporal UI built');
        return true;
      },
      (err: Error) => {
        reason = err.message;
        options.log(`no Temporal UI: ${err.message}`);
        return false;
      },
    );
  } else if (state.kind === 'building') {
    options.log(`Temporal UI: ${state.reason}; served once it is done`);
    reason = `${state.reason}; reload this page when it is done`;
  } else if (state.kind === 'unavailable') {
    options.log(`no Temporal UI: ${state.reason}`);
  }
  // While another process builds it, look again (at most every 2 s) when a page is asked for.
  let lookedAt = 0;
  const buildDir = () => {
    if (!dir && state.kind === 'building' && Date.now() - lookedAt > 2000) {
      lookedAt = Date.now();
      const now = uiBuildState();
      if (now.kind === 'ready') dir = now.dir;
    }
    return dir;
  };
  const server = await listen(options, { api: options.api, namespace: options.namespace, buildDir, missingReason: () => reason });
  return {
    url: server.url,
    ready,
    shutdown: async () => {
      build?.stop();
      await ready;
      await server.close();
    },
  };
}
