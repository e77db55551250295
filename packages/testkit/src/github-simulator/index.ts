// Placeholder: filled in by the work on its issue.
export {};
