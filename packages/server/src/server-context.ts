import type { Logger, Orchestrator } from '@ampo/core';
import type { Authenticator } from './auth/authenticator.js';

/** What every route is built from. */
export interface ServerContext {
  orchestrator: Orchestrator;
  authenticator: Authenticator;
  logger: Logger;
  /** Named checks behind `/api/ready`; each resolves when its part answers. */
  readiness: Readonly<Record<string, () => Promise<unknown>>>;
  /** Repositories the UI suggests, and whether tasks run against GitHub or locally. */
  repositories: { list: readonly string[]; mode: 'local' | 'github' };
}
