// Placeholder: filled in by the work on its issue. Keep the export so the package index stays stable.
export {};
