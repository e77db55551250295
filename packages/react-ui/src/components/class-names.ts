/** Joins class names, skipping empty ones. Every root also carries `ampo-theme`, where the `--ampo-*` defaults live. */
export const classNames = (...names: (string | false | undefined | null)[]) => names.filter(Boolean).join(' ');
