import type { OrchestratorEvent } from '@ampo/core/wire';
import { type DiffLine, diffLines, withContext } from './line-diff.js';

/** A file the agent wrote, edited or removed, as its tool calls report it. */
export interface AgentFileChange {
  path: string;
  operation: 'write' | 'edit' | 'delete' | 'touch';
  lines: DiffLine[];
  /** The tool call's input was cut short in the event log: the lines shown are partial or absent. */
  clipped: boolean;
  /** For a write: whether the file's previous content is known (an earlier write in this task). */
  baseKnown: boolean;
}

/** The changes between two pushes: what one pushed commit holds. */
export interface PushedChange {
  /** Absent while the agent's latest changes are not pushed yet. */
  sha?: string;
  branch?: string;
  /** Whether the push carried a new commit. */
  changed: boolean;
  turns: number[];
  files: AgentFileChange[];
}

const repositoryDirectory = /^\/workspace\/repo\//;
const relative = (path: string) => path.replace(repositoryDirectory, '');

const parse = (input: string | undefined): Record<string, unknown> | undefined => {
  if (!input) return undefined;
  try {
    const value: unknown = JSON.parse(input);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** What one tool call did to files: Amp's, Claude Code's and Codex's file tools. */
const changesOf = (
  tool: string,
  input: string | undefined,
): { path: string; operation: AgentFileChange['operation']; before?: string; after?: string; clipped: boolean }[] => {
  const json = parse(input);
  const name = tool.toLowerCase();
  const path = text(json?.path) ?? text(json?.file_path);
  if (name === 'create_file' || name === 'write') {
    if (path) return [{ path, operation: 'write', after: text(json?.content) ?? '', clipped: false }];
    const cut = /"(?:path|file_path)":"([^"]+)"/.exec(input ?? '');
    return cut?.[1] ? [{ path: cut[1], operation: 'write', clipped: true }] : [];
  }
  if (name === 'edit_file' || name === 'edit') {
    if (path)
      return [
        {
          path,
          operation: 'edit',
          before: text(json?.old_str) ?? text(json?.old_string) ?? '',
          after: text(json?.new_str) ?? text(json?.new_string) ?? '',
          clipped: false,
        },
      ];
    const cut = /"(?:path|file_path)":"([^"]+)"/.exec(input ?? '');
    if (cut?.[1]) return [{ path: cut[1], operation: 'edit', clipped: true }];
    // A bare path, as some agents report an edit.
    return input && !input.startsWith('{') ? [{ path: input, operation: 'touch', clipped: false }] : [];
  }
  if (name === 'multiedit' && path && Array.isArray(json?.edits)) {
    return (json.edits as Record<string, unknown>[]).map((edit) => ({
      path,
      operation: 'edit' as const,
      before: text(edit.old_string) ?? '',
      after: text(edit.new_string) ?? '',
      clipped: false,
    }));
  }
  if (name === 'file_change') {
    try {
      const entries: unknown = JSON.parse(input ?? '[]');
      if (Array.isArray(entries))
        return entries.flatMap((entry) => {
          const match = /^(add|delete|update)\s+(.+)$/.exec(String(entry));
          return match
            ? [{ path: match[2] as string, operation: match[1] === 'delete' ? ('delete' as const) : ('touch' as const), clipped: false }]
            : [];
        });
    } catch {
      return [];
    }
  }
  return [];
};

/**
 * The change on the task branch as the agent's own tool calls describe it, grouped by the push
 * that carried it. Until the server serves the branch's diff, this is what `<DiffView>` shows:
 * full-file writes are diffed against the task's earlier write of the same file where there is
 * one, edits show the replaced and the new text.
 */
export const agentChanges = (events: readonly OrchestratorEvent[]): PushedChange[] => {
  const pushes: PushedChange[] = [];
  const contents = new Map<string, string>();
  let current: PushedChange = { changed: false, turns: [], files: [] };
  for (const event of events) {
    if (event.type === 'agent-turn-started' && !current.turns.includes(event.turn)) current.turns.push(event.turn);
    if (event.type === 'branch-pushed') {
      pushes.push({ ...current, sha: event.sha, branch: event.branch, changed: event.changed });
      current = { changed: false, turns: [], files: [] };
    }
    if (event.type !== 'agent-output' || event.output.type !== 'tool-use') continue;
    for (const change of changesOf(event.output.tool, event.output.input)) {
      const path = relative(change.path);
      const known = contents.get(path);
      let lines: DiffLine[] = [];
      if (change.operation === 'write' && change.after !== undefined) {
        lines = known === undefined ? diffLines('', change.after) : withContext(diffLines(known, change.after));
        contents.set(path, change.after);
      } else if (change.operation === 'edit' && change.before !== undefined && change.after !== undefined) {
        lines = diffLines(change.before, change.after);
        if (known?.includes(change.before)) contents.set(path, (known as string).replace(change.before, change.after));
      } else if (change.operation === 'delete') contents.delete(path);
      current.files.push({ path, operation: change.operation, lines, clipped: change.clipped, baseKnown: known !== undefined });
    }
  }
  if (current.files.length > 0) pushes.push(current);
  return pushes;
};
