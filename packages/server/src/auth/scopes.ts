import { z } from 'zod';

/** What a token may do. `admin` includes `tasks:write`, which includes `tasks:read`. */
export const Scope = z.enum(['tasks:read', 'tasks:write', 'admin']);
export type Scope = z.infer<typeof Scope>;

const includes: Readonly<Record<Scope, readonly Scope[]>> = {
  'tasks:read': ['tasks:read'],
  'tasks:write': ['tasks:write', 'tasks:read'],
  admin: ['admin', 'tasks:write', 'tasks:read'],
};

/** The scopes `granted` amounts to; names ampo does not know are ignored. */
export const expandScopes = (granted: Iterable<string>): ReadonlySet<Scope> => {
  const scopes = new Set<Scope>();
  for (const name of granted) {
    const scope = Scope.safeParse(name);
    if (scope.success) for (const included of includes[scope.data]) scopes.add(included);
  }
  return scopes;
};

/** Who is calling, as a verified token says. */
export interface Principal {
  /** The token's `sub`. */
  subject: string;
  scopes: ReadonlySet<Scope>;
  /** How the request authenticated. */
  via: 'bearer' | 'session' | 'ticket';
  /** When the credential expires (epoch ms). */
  expiresAt: number;
}
