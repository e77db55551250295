// Containers: every worker and check container of a run, inspected while it runs, must be
// non-root, drop all capabilities, have no-new-privileges, bounded memory, CPU and pids, no
// Docker socket and no mount, and only the network the task needs. Throws unless none breaks a rule.
import type { SoakSection } from '../../section.js';
import { inspectInstance, processUsers } from '../../support/docker-inspect.js';
import { disposeRun, runTasks } from '../../support/task-run.js';
import { controlRulesBroken, controlViolations } from './control.js';
import { hardeningViolations } from './hardening.js';

export const containers: SoakSection = async ({ quick, progress }) => {
  const seen = new Map<string, { role: string; violations: string[] }>();
  const run = await runTasks({
    name: 'containers',
    tasks: quick ? 1 : 4,
    observeEveryMs: 100,
    observe: (instanceId) => {
      for (const { inspect } of inspectInstance(instanceId)) {
        if (seen.has(inspect.Id) || !inspect.State.Running) continue;
        const users = processUsers(inspect.Id);
        if (users.length === 0) continue;
        seen.set(inspect.Id, { role: inspect.Config.Labels?.['ampo.role'] ?? 'unknown', violations: hardeningViolations(inspect, users) });
      }
    },
    progress,
  });
  const orphaned = await disposeRun(run);
  const control = controlViolations(run.image);
  const roles = [...seen.values()].map((container) => container.role);
  const unhardened = [...seen.values()].filter((container) => container.violations.length > 0);
  for (const [id, container] of seen)
    if (container.violations.length > 0) progress(`${container.role} ${id.slice(0, 12)}: ${container.violations.join('; ')}`);
  const workspaces = roles.filter((role) => role === 'workspace').length;
  const checks = roles.filter((role) => role === 'checks').length;
  if (workspaces === 0 || checks === 0)
    throw new Error(`inspected ${workspaces} workspace and ${checks} check containers while they ran: too few to judge`);
  // The positive control: a container that breaks every rule must be caught on each.
  if (control.length !== controlRulesBroken)
    throw new Error(
      `the control container was caught breaking ${control.length} of ${controlRulesBroken} rules (${control.join('; ')}): the check is blind`,
    );
  if (unhardened.length > 0) throw new Error(`${unhardened.length} containers break a hardening rule (see above)`);
  return {
    'soak.containers.inspected_workspaces': workspaces,
    'soak.containers.inspected_checks': checks,
    'soak.containers.unhardened': unhardened.length,
    'soak.containers.control_violations': control.length,
    'soak.tasks.total': run.taskIds.length,
    'soak.tasks.lost': run.outcomes.lost,
    'soak.tasks.wrong': run.outcomes.wrong,
    'soak.containers.orphaned': orphaned,
    'soak.responses.5xx': run.api.serverErrors(),
  };
};
