import { useEffect, useRef, useState } from 'react';
import { useCancelTask } from '../hooks/use-cancel-task.js';
import { useTask } from '../hooks/use-task.js';
import { classNames } from './class-names.js';
import { isActive } from './format.js';

export interface CancelButtonProps {
  taskId: string;
  /** Recorded with the cancellation. */
  reason?: string;
  className?: string;
}

/** Cancels a task after a confirmation; the agent and its checks stop and the workspace is removed. */
export const CancelButton = ({ taskId, reason, className }: CancelButtonProps) => {
  const { task } = useTask(taskId);
  const { cancelTask, pending, error } = useCancelTask(taskId);
  const [confirming, setConfirming] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  const active = task ? isActive(task.status) : false;

  useEffect(() => {
    if (confirming) confirm.current?.focus();
  }, [confirming]);

  return (
    <div className={classNames('ampo-theme', 'ampo-cancel', className)}>
      {confirming && active ? (
        <fieldset className="ampo-cancel__confirm">
          <legend className="ampo-cancel__question">Cancel this task?</legend>
          <button
            ref={confirm}
            type="button"
            className="ampo-button ampo-button--danger"
            disabled={pending}
            onClick={() =>
              void cancelTask(reason)
                .then(() => setConfirming(false))
                .catch(() => {})
            }
          >
            {pending ? 'Cancelling…' : 'Yes, cancel it'}
          </button>
          <button type="button" className="ampo-button" onClick={() => setConfirming(false)} disabled={pending}>
            Keep it running
          </button>
        </fieldset>
      ) : (
        <button type="button" className="ampo-button ampo-button--danger" disabled={!active} onClick={() => setConfirming(true)}>
          Cancel task
        </button>
      )}
      {error && (
        <p role="alert" className="ampo-notice" data-tone="failure">
          The task was not cancelled: {error.message}
        </p>
      )}
    </div>
  );
};
