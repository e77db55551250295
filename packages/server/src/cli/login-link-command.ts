import { createAuthenticator } from '../auth/authenticator.js';
import type { CliIo } from './cli-io.js';
import type { LoginLinkOptions } from './command-options.js';
import { browserUrl, secretOf } from './data-directory.js';

/**
 * `ampo-server login-link`: a fresh one-time login link, for when the one printed at start was
 * used or expired. It is signed with the data directory's secret, so the running server takes it.
 */
export const loginLinkCommand = async (options: LoginLinkOptions, io: CliIo): Promise<number> => {
  const authenticator = createAuthenticator({ secret: secretOf(options.dataDir) });
  const { token } = await authenticator.issueLoginCode(options.subject, options.scope);
  io.out(`${browserUrl(options)}/api/auth/login?code=${token}`);
  return 0;
};
