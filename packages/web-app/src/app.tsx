import { ConnectionIndicator, NewTaskForm, TaskDetail, TaskList, useAmpoClient, useRepositories, useSession } from '@ampo/react-ui';
import { useEffect } from 'react';
import { navigate, onLinkClick, routeOf, usePathname } from './router.js';

const LoginPage = () => (
  <main className="app-main app-login ampo-theme" id="main">
    <h1>Log in to ampo</h1>
    <p>
      This server lets browsers in through a one-time login link. Open the link the server printed when it started, or make a new one on the
      machine that runs it:
    </p>
    <pre className="ampo-pre">ampo-server login-link</pre>
    <p className="ampo-muted">Each link works once, for 15 minutes, and becomes a session cookie for this browser.</p>
  </main>
);

const titles = { tasks: 'Tasks', 'new-task': 'New task', task: 'Task', 'not-found': 'Not found' } as const;

export const App = () => {
  const session = useSession();
  const pathname = usePathname();
  const route = routeOf(pathname);
  const client = useAmpoClient();
  const repositories = useRepositories();

  useEffect(() => {
    document.title = `${titles[route.page]} · ampo`;
  }, [route.page]);

  if (session.status === 'loading') return <p className="app-main ampo-theme ampo-muted">Loading…</p>;
  if (session.status === 'error' && session.error?.code === 'unauthorized') return <LoginPage />;

  const logout = async () => {
    await client.api.logout().catch(() => {});
    location.assign('/');
  };

  return (
    <>
      <a className="app-skip" href="#main">
        Skip to the content
      </a>
      <header className="app-header ampo-theme">
        <a className="app-brand" href="/" onClick={onLinkClick('/')}>
          ampo
        </a>
        <nav aria-label="Main" className="app-nav">
          <a href="/" onClick={onLinkClick('/')} aria-current={route.page === 'tasks' ? 'page' : undefined}>
            Tasks
          </a>
          <a href="/tasks/new" onClick={onLinkClick('/tasks/new')} aria-current={route.page === 'new-task' ? 'page' : undefined}>
            New task
          </a>
        </nav>
        <div className="app-header__end">
          <ConnectionIndicator />
          {session.data && (
            <button type="button" className="ampo-button ampo-button--small" onClick={() => void logout()}>
              Log out
            </button>
          )}
        </div>
      </header>
      <main className="app-main ampo-theme" id="main">
        {route.page === 'tasks' && (
          <TaskList
            headingLevel={1}
            taskHref={(task) => `/tasks/${encodeURIComponent(task.id)}`}
            onSelectTask={(task, event) => onLinkClick(`/tasks/${encodeURIComponent(task.id)}`)(event)}
            repositories={repositories.data?.repositories}
          />
        )}
        {route.page === 'new-task' && (
          <div className="app-narrow">
            <h1 className="app-title">New task</h1>
            <NewTaskForm
              initialValues={repositories.data?.repositories.length === 1 ? { repo: repositories.data.repositories[0] } : {}}
              onCreated={(task) => navigate(`/tasks/${encodeURIComponent(task.id)}`)}
            />
          </div>
        )}
        {route.page === 'task' && (
          <>
            <p className="app-back">
              <a href="/" onClick={onLinkClick('/')}>
                ← All tasks
              </a>
            </p>
            <h1 className="ampo-visually-hidden">Task</h1>
            <TaskDetail key={route.id} taskId={route.id} />
          </>
        )}
        {route.page === 'not-found' && (
          <div className="ampo-theme">
            <h1 className="app-title">There is no such page</h1>
            <a href="/" onClick={onLinkClick('/')}>
              Go to the tasks
            </a>
          </div>
        )}
      </main>
    </>
  );
};
