/** @ampo/react-ui: Drop-in React components for ampo. Not built yet: see the project's open issues. */
export const packageName = '@ampo/react-ui';
