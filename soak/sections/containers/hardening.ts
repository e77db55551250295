// What every worker and check container must be: the rules, checked against `docker inspect`.
import type { ContainerInspect } from '../../support/docker-inspect.js';

const rootUsers = new Set(['', '0', 'root', '0:0', 'root:root']);

/** The network a task's containers may have: local mode talks to the git server on loopback, so host (see docs/security.md). */
export const allowedNetworks = new Set(['host', 'none']);

/** Each rule a container breaks, named for the report. */
export const hardeningViolations = (inspect: ContainerInspect, processUserIds: readonly string[]): string[] => {
  const host = inspect.HostConfig;
  const violations: string[] = [];
  const user = inspect.Config.User ?? '';
  if (rootUsers.has(user) || user.startsWith('0:') || user.startsWith('root:'))
    violations.push(`runs as root (User=${JSON.stringify(user)})`);
  if (processUserIds.includes('0')) violations.push('a process in it runs as uid 0');
  if (!(host.CapDrop ?? []).map((cap) => cap.toUpperCase()).includes('ALL')) violations.push('does not drop all capabilities');
  if ((host.CapAdd ?? []).length > 0) violations.push(`adds capabilities ${host.CapAdd?.join(',')}`);
  if (host.Privileged) violations.push('is privileged');
  if (!(host.SecurityOpt ?? []).some((option) => /^no-new-privileges(:true|=true)?$/.test(option)))
    violations.push('lacks no-new-privileges');
  if (!host.Memory || host.Memory <= 0) violations.push('has no memory limit');
  if (!(host.NanoCpus && host.NanoCpus > 0) && !(host.CpuQuota && host.CpuQuota > 0)) violations.push('has no CPU limit');
  if (!host.PidsLimit || host.PidsLimit <= 0) violations.push('has no pids limit');
  const mounts = [...(host.Binds ?? []), ...(inspect.Mounts ?? []).map((mount) => `${mount.Source}:${mount.Destination}`)];
  if (mounts.some((mount) => mount.includes('docker.sock'))) violations.push('mounts the Docker socket');
  if (mounts.length > 0) violations.push(`mounts ${mounts.join(', ')}`);
  if (!allowedNetworks.has(host.NetworkMode ?? '')) violations.push(`network ${host.NetworkMode}`);
  return violations;
};
