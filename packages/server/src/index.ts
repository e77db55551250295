/** @ampo/server: The ampo server: REST, WebSocket, webhooks, JWT and the UI. Not built yet: see the project's open issues. */
export const packageName = '@ampo/server';
