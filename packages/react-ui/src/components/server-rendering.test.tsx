import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createAmpoClient } from '../client/ampo-client.js';
import { AmpoProvider } from '../hooks/ampo-provider.js';
import { AgentTranscript } from './agent-transcript.js';
import { CancelButton } from './cancel-button.js';
import { CiTimeline } from './ci-timeline.js';
import { ConnectionIndicator } from './connection-indicator.js';
import { DiffView } from './diff-view.js';
import { LiveLog } from './live-log.js';
import { MessageBox } from './message-box.js';
import { NewTaskForm } from './new-task-form.js';
import { TaskDetail } from './task-detail.js';
import { TaskList } from './task-list.js';

describe('rendering on a server', () => {
  it('renders every component without a window, a document or a request', () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    const client = createAmpoClient({
      baseUrl: 'http://ampo.invalid',
      fetch: () => Promise.reject(new Error('no request may be made while rendering on a server')),
    });
    const html = renderToString(
      <AmpoProvider client={client}>
        <ConnectionIndicator />
        <TaskList />
        <TaskDetail taskId="t1" />
        <CiTimeline taskId="t1" />
        <AgentTranscript taskId="t1" />
        <LiveLog taskId="t1" />
        <DiffView taskId="t1" />
        <DiffView diff={'--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n'} />
        <NewTaskForm />
        <MessageBox taskId="t1" />
        <CancelButton taskId="t1" />
      </AmpoProvider>,
    );
    expect(html).toContain('Loading tasks…');
    expect(html).toContain('Create task');
    expect(html).toContain('data-kind="add"');
    expect(client.live.getState().status).toBe('idle');
    client.dispose();
  });
});
