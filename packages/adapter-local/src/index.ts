/** @ampo/adapter-local: Embedded ampo adapters: Git remotes on disk and checks run in containers. Not built yet: see the project's open issues. */
export const packageName = '@ampo/adapter-local';
