import { isTerminalStatus, type Orchestrator, type OrchestratorEvent, TaskStatus } from '@ampo/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Subscription } from 'rxjs';

/**
 * The server's Prometheus metrics, fed by the orchestrator's events: tasks by status, finished
 * tasks, CI attempts by conclusion, agent turn durations, cost, plus Node's own (event-loop delay
 * among them). One registry per server, never prom-client's global one.
 */
export const createServerMetrics = (orchestrator: Orchestrator) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const unfinished = TaskStatus.options.filter((status) => !isTerminalStatus(status));
  // Counted from the store at each scrape: exact, also for tasks other instances run.
  new Gauge({
    name: 'ampo_tasks',
    help: 'Unfinished tasks by status.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = new Map<string, number>(unfinished.map((status) => [status, 0]));
      let cursor: string | undefined;
      do {
        const page = await orchestrator.listTasks({ status: unfinished, limit: 500, ...(cursor ? { cursor } : {}) });
        for (const task of page.tasks) counts.set(task.status, (counts.get(task.status) ?? 0) + 1);
        cursor = page.nextCursor;
      } while (cursor);
      for (const [status, count] of counts) this.set({ status }, count);
    },
  });
  const finished = new Counter({
    name: 'ampo_tasks_finished_total',
    help: 'Tasks that ended, by final status, since the server started.',
    labelNames: ['status'],
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'ampo_ci_attempts_total',
    help: 'CI attempts that ended, by conclusion.',
    labelNames: ['conclusion'],
    registers: [registry],
  });
  const turns = new Histogram({
    name: 'ampo_agent_turn_duration_seconds',
    help: 'How long agent turns took, by outcome.',
    labelNames: ['outcome'],
    buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 2700],
    registers: [registry],
  });
  const cost = new Counter({
    name: 'ampo_agent_cost_usd_total',
    help: 'What the agents reported spending, in US dollars.',
    registers: [registry],
  });

  const turnStarts = new Map<string, number>();
  const observe = (event: OrchestratorEvent) => {
    switch (event.type) {
      case 'task-status-changed':
        if (isTerminalStatus(event.to)) {
          finished.inc({ status: event.to });
          turnStarts.delete(event.taskId);
        }
        return;
      case 'ci-run-end':
        attempts.inc({ conclusion: event.conclusion });
        return;
      case 'agent-turn-started':
        turnStarts.set(event.taskId, event.at);
        return;
      case 'agent-turn-ended': {
        const startedAt = turnStarts.get(event.taskId);
        turnStarts.delete(event.taskId);
        const seconds =
          event.usage?.durationMs !== undefined
            ? event.usage.durationMs / 1000
            : startedAt !== undefined
              ? (event.at - startedAt) / 1000
              : undefined;
        if (seconds !== undefined) turns.observe({ outcome: event.outcome }, seconds);
        if (event.usage?.costUsd) cost.inc(event.usage.costUsd);
        return;
      }
      default:
        return;
    }
  };

  let subscription: Subscription | undefined;
  return {
    registry,
    start() {
      subscription ??= orchestrator.events$.subscribe(observe);
    },
    stop() {
      subscription?.unsubscribe();
    },
  };
};

export type ServerMetrics = ReturnType<typeof createServerMetrics>;
