import { useSyncExternalStore } from 'react';

/** The app's routes: the path of the page, nothing more (the server serves index.html for all of them). */
export type Route = { page: 'tasks' } | { page: 'new-task' } | { page: 'task'; id: string } | { page: 'not-found' };

export const routeOf = (pathname: string): Route => {
  if (pathname === '/' || pathname === '/tasks') return { page: 'tasks' };
  if (pathname === '/tasks/new') return { page: 'new-task' };
  const task = /^\/tasks\/([^/]+)$/.exec(pathname);
  if (task?.[1]) return { page: 'task', id: decodeURIComponent(task[1]) };
  return { page: 'not-found' };
};

const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};

/** Goes to `path` without a reload, and to the top of the page. */
export const navigate = (path: string) => {
  if (path === location.pathname) return;
  history.pushState(null, '', path);
  window.scrollTo(0, 0);
  notify();
};

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
};

export const usePathname = () => useSyncExternalStore(subscribe, () => location.pathname);

/** A plain link that navigates in the app; a modified click (new tab) behaves as a browser's. */
export const onLinkClick =
  (path: string) => (event: { preventDefault(): void; button: number; metaKey: boolean; ctrlKey: boolean; shiftKey: boolean }) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(path);
  };
