import { createTokenService } from '../auth/tokens.js';
import type { CliIo } from './cli-io.js';
import type { TokenOptions } from './command-options.js';
import { secretOf } from './data-directory.js';

/**
 * `ampo-server token`: an access token signed with the data directory's secret, alone on stdout.
 * Refused when an identity provider is configured: the server would not take it.
 */
export const tokenCommand = async (options: TokenOptions, io: CliIo): Promise<number> => {
  if (options.jwksUrl) {
    io.err(
      `ampo-server token: this server takes bearer tokens from the identity provider at AMPO_JWKS_URL (${options.jwksUrl}), so it would refuse a token signed here. Get one from that provider.`,
    );
    return 1;
  }
  const tokens = createTokenService({ secret: secretOf(options.dataDir) });
  const { token } = await tokens.issue({ subject: options.subject, scopes: options.scope, use: 'access', ttlSeconds: options.ttl });
  io.out(token);
  return 0;
};
