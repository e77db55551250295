import { useConnection } from '../hooks/use-connection.js';
import { classNames } from './class-names.js';

const labels = { idle: 'Live', connecting: 'Connecting…', online: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline' } as const;

/** Whether live updates are flowing: a small status that screen readers announce when it changes. */
export const ConnectionIndicator = ({ className }: { className?: string }) => {
  const state = useConnection();
  return (
    <span
      className={classNames('ampo-theme', 'ampo-connection', className)}
      data-status={state.status}
      role="status"
      title={state.error ? `Last problem: ${state.error}` : undefined}
    >
      <span className="ampo-connection__dot" aria-hidden="true" />
      {labels[state.status]}
    </span>
  );
};
