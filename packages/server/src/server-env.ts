import type { Principal } from './auth/scopes.js';

/** What middleware hands to handlers through Hono's context. */
export interface ServerEnv {
  Variables: {
    /** Set by the auth middleware on every route that needs a credential. */
    principal: Principal;
  };
}
