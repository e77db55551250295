/** @ampo/testkit: Test helpers for ampo: GitHub simulator, scripted agent, offline test image builder. Not built yet: see the project's open issues. */
export const packageName = '@ampo/testkit';
