import { type FormEvent, useId, useState } from 'react';
import { useSendMessage } from '../hooks/use-send-message.js';
import { useTask } from '../hooks/use-task.js';
import { classNames } from './class-names.js';
import { isActive } from './format.js';

export interface MessageBoxProps {
  taskId: string;
  className?: string;
}

/** A message for the task's agent, on the same thread: it gets it now, or with its next turn. Ctrl+Enter sends. */
export const MessageBox = ({ taskId, className }: MessageBoxProps) => {
  const { task } = useTask(taskId);
  const { sendMessage, pending, error } = useSendMessage(taskId);
  const [text, setText] = useState('');
  const [sent, setSent] = useState(false);
  const id = useId();
  const open = task ? isActive(task.status) : false;

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!text.trim() || pending || !open) return;
    try {
      await sendMessage(text.trim());
      setText('');
      setSent(true);
    } catch {
      setSent(false);
    }
  };

  return (
    <form className={classNames('ampo-theme', 'ampo-message-box', className)} onSubmit={submit} aria-label="Send a message">
      <label id={`${id}-label`} htmlFor={`${id}-text`} className="ampo-field__label">
        Message to the agent
      </label>
      <textarea
        id={`${id}-text`}
        className="ampo-input ampo-message-box__text"
        rows={2}
        value={text}
        disabled={!open}
        aria-describedby={`${id}-hint`}
        onChange={(event) => {
          setText(event.target.value);
          setSent(false);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit();
        }}
      />
      <div className="ampo-message-box__row">
        <span id={`${id}-hint`} className="ampo-muted">
          {open ? 'The agent reads it on the same thread. Ctrl+Enter sends.' : 'This task has finished; it takes no more messages.'}
        </span>
        <button type="submit" className="ampo-button ampo-button--primary" disabled={!open || pending || !text.trim()}>
          {pending ? 'Sending…' : 'Send'}
        </button>
      </div>
      <p role="status" className="ampo-muted ampo-message-box__status">
        {sent ? 'Sent.' : ''}
      </p>
      {error && (
        <p role="alert" className="ampo-notice" data-tone="failure">
          The message was not sent: {error.message}
        </p>
      )}
    </form>
  );
};
