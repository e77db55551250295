/** @ampo/adapter-github: SourceHost and CiProvider for ampo as a GitHub App. Not built yet: see the project's open issues. */
export const packageName = '@ampo/adapter-github';
