import { useMemo, useState } from 'react';
import { useTaskEvents } from '../hooks/use-task-events.js';
import { stripAnsi } from './ansi.js';
import { classNames } from './class-names.js';
import { formatCost } from './format.js';
import { type TranscriptItem, transcriptOf } from './transcript-model.js';

const reasons: Record<string, string> = {
  initial: 'the task',
  'ci-feedback': 'CI feedback',
  message: 'a message',
  retry: 'a retry',
  resume: 'a resume',
};

/** A tool call's input in one line: its path or command where it has one. */
const summarise = (input: string | undefined) => {
  if (!input) return '';
  try {
    const value = JSON.parse(input) as Record<string, unknown>;
    const main = value.path ?? value.file_path ?? value.cmd ?? value.command ?? value.pattern ?? value.url;
    if (typeof main === 'string') return main.replace(/^\/workspace\/repo\//, '');
  } catch {
    // not JSON: shown as it is
  }
  return input.length > 80 ? `${input.slice(0, 80)}…` : input;
};

const Item = ({ item }: { item: TranscriptItem }) => {
  switch (item.kind) {
    case 'turn':
      return (
        <li className="ampo-transcript__turn" data-reason={item.reason}>
          <h4 className="ampo-transcript__turn-title">
            Turn {item.turn} · for {reasons[item.reason] ?? item.reason}
          </h4>
          <details className="ampo-details" open={item.reason === 'initial' || item.reason === 'message'}>
            <summary>Prompt</summary>
            <pre className="ampo-pre">{item.prompt}</pre>
          </details>
        </li>
      );
    case 'person':
      return (
        <li className="ampo-transcript__message" data-from="person">
          <span className="ampo-transcript__author">{item.author ?? 'Someone'}</span>
          <p className="ampo-transcript__text">{item.text}</p>
        </li>
      );
    case 'agent':
      return (
        <li className="ampo-transcript__message" data-from="agent">
          <span className="ampo-transcript__author">Agent</span>
          <p className="ampo-transcript__text">{stripAnsi(item.text)}</p>
        </li>
      );
    case 'tool':
      return (
        <li className="ampo-transcript__tool" data-error={item.result?.isError || undefined}>
          <details className="ampo-details">
            <summary>
              <span className="ampo-mono">{item.tool}</span> <span className="ampo-muted ampo-mono">{summarise(item.input)}</span>
              {item.result?.isError && <span className="ampo-transcript__tool-error"> failed</span>}
            </summary>
            {item.input && <pre className="ampo-pre">{item.input}</pre>}
            {item.result?.output && (
              <>
                <span className="ampo-muted">Result</span>
                <pre className="ampo-pre">{item.result.output}</pre>
              </>
            )}
          </details>
        </li>
      );
    case 'error':
      return (
        <li className="ampo-transcript__error">
          <span className="ampo-transcript__author">Error</span> {item.message}
        </li>
      );
    case 'turn-end':
      return (
        <li className="ampo-transcript__turn-end ampo-muted" data-outcome={item.outcome}>
          Turn {item.turn} {item.outcome.replace('-', ' ')}
          {item.reason ? `: ${item.reason}` : ''}
          {item.usage?.inputTokens !== undefined ? ` · ${item.usage.inputTokens} in / ${item.usage.outputTokens ?? 0} out tokens` : ''}
          {item.usage?.costUsd !== undefined ? ` · ${formatCost(item.usage.costUsd)}` : ''}
        </li>
      );
  }
};

export interface AgentTranscriptProps {
  taskId: string;
  /** Items shown before "show earlier" appears. @default 200 */
  limit?: number;
  className?: string;
}

/** The agent's side of a task: each turn's prompt, its messages, its tool calls and their results, and people's messages. */
export const AgentTranscript = ({ taskId, limit = 200, className }: AgentTranscriptProps) => {
  const { events, status } = useTaskEvents(taskId);
  const items = useMemo(() => transcriptOf(events), [events]);
  const [shown, setShown] = useState(limit);
  const hidden = Math.max(0, items.length - shown);
  return (
    <div className={classNames('ampo-theme', 'ampo-transcript', className)}>
      {status === 'loading' && items.length === 0 && <p className="ampo-muted">Loading the transcript…</p>}
      {status !== 'loading' && items.length === 0 && <p className="ampo-muted">The agent has not started yet.</p>}
      {hidden > 0 && (
        <button type="button" className="ampo-button ampo-button--small" onClick={() => setShown((count) => count + limit)}>
          Show {Math.min(hidden, limit)} earlier of {hidden}
        </button>
      )}
      <ol
        className="ampo-transcript__items"
        aria-label="Transcript"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to be scrolled with the keyboard
        tabIndex={0}
      >
        {items.slice(hidden).map((item) => (
          <Item key={item.key} item={item} />
        ))}
      </ol>
    </div>
  );
};
