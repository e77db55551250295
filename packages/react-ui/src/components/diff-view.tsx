import { useMemo } from 'react';
import { useTaskEvents } from '../hooks/use-task-events.js';
import { type AgentFileChange, agentChanges } from './agent-changes.js';
import { classNames } from './class-names.js';
import { shortSha } from './format.js';
import { type DiffLine, parseUnifiedDiff } from './line-diff.js';

const signs = { add: '+', remove: '−', context: ' ', hunk: '' } as const;
const spoken = { add: 'added', remove: 'removed', context: '', hunk: '' } as const;

const Lines = ({ lines, label }: { lines: readonly DiffLine[]; label: string }) => (
  <table className="ampo-diff__lines" aria-label={label}>
    <tbody>
      {lines.map((line, index) =>
        line.kind === 'hunk' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: diff lines never reorder
          <tr key={index} data-kind="hunk">
            <td colSpan={4} className="ampo-diff__hunk">
              {line.text}
            </td>
          </tr>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: diff lines never reorder
          <tr key={index} data-kind={line.kind}>
            <td className="ampo-diff__number">{line.oldNumber ?? ''}</td>
            <td className="ampo-diff__number">{line.newNumber ?? ''}</td>
            <td className="ampo-diff__sign">
              <span aria-hidden="true">{signs[line.kind]}</span>
              {spoken[line.kind] && <span className="ampo-visually-hidden">{spoken[line.kind]}</span>}
            </td>
            <td className="ampo-diff__text">{line.text}</td>
          </tr>
        ),
      )}
    </tbody>
  </table>
);

const counts = (lines: readonly DiffLine[]) => ({
  additions: lines.filter((line) => line.kind === 'add').length,
  deletions: lines.filter((line) => line.kind === 'remove').length,
});

const Stat = ({ additions, deletions }: { additions: number; deletions: number }) => (
  <span className="ampo-diff__stat">
    <span data-kind="add">+{additions}</span> <span data-kind="remove">−{deletions}</span>
  </span>
);

const operationLabel: Record<AgentFileChange['operation'], string> = {
  write: 'written',
  edit: 'edited',
  delete: 'deleted',
  touch: 'changed',
};

export interface DiffViewProps {
  /** The task whose change to show, from its events. */
  taskId?: string;
  /** A unified diff (`git diff` output) to show instead; it wins over `taskId`. */
  diff?: string;
  className?: string;
}

/**
 * The change on the task branch. Given `diff` (`git diff` output), it shows that, file by file.
 * Given only a task, it shows the changes the agent's own tool calls report, grouped by the
 * pushed commit that carried them: a write is diffed against the task's earlier write of the
 * same file when there is one.
 */
export const DiffView = ({ taskId, diff, className }: DiffViewProps) => {
  if (diff !== undefined) return <UnifiedDiff diff={diff} className={className} />;
  if (taskId) return <AgentChanges taskId={taskId} className={className} />;
  return null;
};

const UnifiedDiff = ({ diff, className }: { diff: string; className?: string | undefined }) => {
  const files = useMemo(() => parseUnifiedDiff(diff), [diff]);
  return (
    <div className={classNames('ampo-theme', 'ampo-diff', className)}>
      {files.length === 0 && <p className="ampo-muted">No changes.</p>}
      {files.map((file) => (
        <details key={file.path} className="ampo-diff__file" open>
          <summary>
            <span className="ampo-mono">{file.oldPath && file.status === 'renamed' ? `${file.oldPath} → ${file.path}` : file.path}</span>{' '}
            <span className="ampo-muted">{file.status}</span> <Stat additions={file.additions} deletions={file.deletions} />
          </summary>
          {file.binary ? <p className="ampo-muted">A binary file.</p> : <Lines lines={file.lines} label={`Changes in ${file.path}`} />}
        </details>
      ))}
    </div>
  );
};

const AgentChanges = ({ taskId, className }: { taskId: string; className?: string | undefined }) => {
  const { events, status } = useTaskEvents(taskId);
  const pushes = useMemo(() => agentChanges(events), [events]);
  return (
    <div className={classNames('ampo-theme', 'ampo-diff', className)}>
      {status === 'loading' && pushes.length === 0 && <p className="ampo-muted">Loading the changes…</p>}
      {status !== 'loading' && pushes.length === 0 && <p className="ampo-muted">The agent has not changed a file yet.</p>}
      {pushes.map((push, index) => (
        <section
          key={push.sha ?? `pending-${index}`}
          className="ampo-diff__push"
          aria-label={push.sha ? `Commit ${shortSha(push.sha)}` : 'Not pushed yet'}
        >
          <h4 className="ampo-diff__push-title">
            {push.sha ? (
              <>
                Commit <code className="ampo-mono">{shortSha(push.sha)}</code> on <code className="ampo-mono">{push.branch}</code>
                {!push.changed && <span className="ampo-muted"> (nothing new)</span>}
              </>
            ) : (
              'Not pushed yet'
            )}
            {push.turns.length > 0 && <span className="ampo-muted"> · turn {push.turns.join(', ')}</span>}
          </h4>
          {push.files.map((file, fileIndex) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: one file can change twice in a push
            <details key={`${file.path}-${fileIndex}`} className="ampo-diff__file" open={push === pushes.at(-1)}>
              <summary>
                <span className="ampo-mono">{file.path}</span> <span className="ampo-muted">{operationLabel[file.operation]}</span>{' '}
                {file.lines.length > 0 && <Stat {...counts(file.lines)} />}
              </summary>
              {file.operation === 'write' && !file.baseKnown && file.lines.length > 0 && (
                <p className="ampo-muted ampo-diff__note">
                  The whole file as the agent wrote it; the version before is not in the task's record.
                </p>
              )}
              {file.clipped && <p className="ampo-muted ampo-diff__note">The tool call was too long to keep in full.</p>}
              {file.lines.length > 0 && <Lines lines={file.lines} label={`Changes in ${file.path}`} />}
            </details>
          ))}
        </section>
      ))}
    </div>
  );
};
