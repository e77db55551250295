/** Shapes of credentials that must never leave ampo, even when nobody registered them. */
const knownSecretPatterns: readonly RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9_]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bsk-ant-[A-Za-z0-9_-]{20,}\b/g,
  /\bsk-[A-Za-z0-9_-]{32,}\b/g,
  /\bsgamp_[A-Za-z0-9_-]{16,}\b/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /(authorization:\s*(?:bearer|basic|token)\s+)[A-Za-z0-9+/=._-]+/gi,
  /(x-access-token:)[^@\s]+/g,
];

export const redactedMarker = '[redacted]';

export interface Redactor {
  /** Registers a secret value; every later `redact` call hides it. Values under 6 chars are ignored. */
  add(secret: string): void;
  redact(text: string): string;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Hides secrets in text bound for logs, events, the store or a response: every registered value
 * (and its base64 form, as in HTTP basic auth headers) and known credential shapes.
 */
export const createRedactor = (initial: Iterable<string> = []): Redactor => {
  const secrets = new Set<string>();
  let pattern: RegExp | undefined;
  const rebuild = () => {
    const alternatives = [...secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
    pattern = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'g') : undefined;
  };
  const redactor: Redactor = {
    add(secret) {
      if (secret.length < 6 || secrets.has(secret)) return;
      secrets.add(secret);
      const base64 = btoa(String.fromCharCode(...new TextEncoder().encode(secret)));
      secrets.add(base64);
      secrets.add(base64.replace(/=+$/, ''));
      rebuild();
    },
    redact(text) {
      let result = pattern ? text.replace(pattern, redactedMarker) : text;
      for (const known of knownSecretPatterns) {
        result = result.replace(known, (match, prefix?: string) =>
          typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}${redactedMarker}` : redactedMarker,
        );
      }
      return result;
    },
  };
  for (const secret of initial) redactor.add(secret);
  return redactor;
};
