import type { Environment } from 'vitest/runtime';
import { builtinEnvironments } from 'vitest/runtime';

/**
 * happy-dom for the DOM, Node for the network: the hook and component tests run a real ampo
 * server in the same process, and it needs Node's own fetch, Request, Response and streams —
 * happy-dom's replacements (which also enforce a browser's same-origin policy) break it.
 * Named in a test's docblock as `@vitest-environment ampo-dom`.
 */
const nodeNetwork = [
  'fetch',
  'Request',
  'Response',
  'Headers',
  'FormData',
  'Blob',
  'File',
  'URL',
  'URLSearchParams',
  'AbortController',
  'AbortSignal',
  'MessagePort',
  'MessageChannel',
  'ReadableStream',
  'WritableStream',
  'TransformStream',
  'TextEncoder',
  'TextDecoder',
  'DOMException',
] as const;

const happyDom = builtinEnvironments['happy-dom'];

export default {
  name: 'ampo-dom',
  viteEnvironment: 'client',
  async setup(global, options) {
    const saved = new Map(nodeNetwork.map((key) => [key, (global as Record<string, unknown>)[key]]));
    const environment = await happyDom.setup(global, options);
    for (const [key, value] of saved) {
      if (value !== undefined) Object.defineProperty(global, key, { value, configurable: true, writable: true, enumerable: false });
    }
    return environment;
  },
} satisfies Environment;
