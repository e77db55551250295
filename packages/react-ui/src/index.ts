/**
 * @ampo/react-ui: drop-in React components for ampo, in three layers — a framework-free client
 * (REST + one resumable WebSocket), headless hooks over it, and styled components built on the
 * hooks. Styles are opt-in: `import '@ampo/react-ui/styles.css'`.
 */

export { type AmpoClient, type AmpoClientSettings, createAmpoClient } from './client/ampo-client.js';
export type { ReconnectSettings } from './client/backoff.js';
export type { ExternalStore } from './client/external-store.js';
export type { HttpClient, Repositories, Session, TaskFilter } from './client/http-client.js';
export type { ConnectionState, ConnectionStatus, LiveConnection, WebSocketConstructor, WebSocketLike } from './client/live-connection.js';
export type { LogLine } from './client/log-lines.js';
export { AmpoRequestError, type FieldErrors } from './client/request-error.js';
export type { RequestSnapshot } from './client/request-store.js';
export type { StoreError, TaskEventsSnapshot } from './client/task-events-store.js';
export type { TaskListSnapshot } from './client/task-list-store.js';
export type { TaskLogsSnapshot } from './client/task-logs-store.js';
export type { TaskSnapshot } from './client/task-store.js';
export { AgentTranscript, type AgentTranscriptProps } from './components/agent-transcript.js';
export { CancelButton, type CancelButtonProps } from './components/cancel-button.js';
export { CiTimeline, type CiTimelineProps } from './components/ci-timeline.js';
export { ConnectionIndicator } from './components/connection-indicator.js';
export { DiffView, type DiffViewProps } from './components/diff-view.js';
export { LiveLog, type LiveLogProps } from './components/live-log.js';
export { MessageBox, type MessageBoxProps } from './components/message-box.js';
export { NewTaskForm, type NewTaskFormProps } from './components/new-task-form.js';
export { Badge, ConclusionBadge, StatusBadge } from './components/status-badge.js';
export { TaskDetail, type TaskDetailProps } from './components/task-detail.js';
export { TaskList, type TaskListProps } from './components/task-list.js';
export { AmpoProvider, useAmpoClient } from './hooks/ampo-provider.js';
export { useCancelTask } from './hooks/use-cancel-task.js';
export { useConnection } from './hooks/use-connection.js';
export { useCreateTask } from './hooks/use-create-task.js';
export { useRepositories } from './hooks/use-repositories.js';
export { useSendMessage } from './hooks/use-send-message.js';
export { useSession } from './hooks/use-session.js';
export { useTask } from './hooks/use-task.js';
export { useTaskEvents } from './hooks/use-task-events.js';
export { useTaskLogs } from './hooks/use-task-logs.js';
export { type UseTasksResult, useTasks } from './hooks/use-tasks.js';
