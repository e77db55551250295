import '@ampo/react-ui/styles.css';
import './app.css';
import { AmpoProvider, createAmpoClient } from '@ampo/react-ui';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';

// Same origin as the page: the session cookie authenticates, no token is ever in the page.
const client = createAmpoClient();
// For the browser tests: cut the live connection as a network drop would.
(window as unknown as { ampo?: unknown }).ampo = { client };

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <AmpoProvider client={client}>
      <App />
    </AmpoProvider>
  </StrictMode>,
);
