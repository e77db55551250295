import { describe, expect, it } from 'vitest';
import { AmpoError } from './errors.js';
import { createRedactor } from './redaction.js';

describe('createRedactor', () => {
  it('hides registered secrets and their base64 form', () => {
    const redactor = createRedactor(['s3cr3t-value-xyz']);
    const basic = btoa('s3cr3t-value-xyz');
    expect(redactor.redact(`key=s3cr3t-value-xyz header=${basic}`)).toBe('key=[redacted] header=[redacted]');
  });

  it('hides known credential shapes nobody registered', () => {
    const redactor = createRedactor();
    const text = [
      'token ghs_16C7e42F292c6912E7710c838347Ae178B4a',
      'AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3h4eA==',
      'https://x-access-token:abc123@github.com/o/r',
      'sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ].join('\n');
    const redacted = redactor.redact(text);
    expect(redacted).not.toMatch(/ghs_16C7|eC1hY2Nl|abc123|sk-ant-api03-A/);
    expect(redacted).toContain('AUTHORIZATION: basic [redacted]');
    expect(redacted).toContain('x-access-token:[redacted]@github.com');
  });

  it('ignores values too short to be secrets', () => {
    const redactor = createRedactor(['abc']);
    expect(redactor.redact('abc')).toBe('abc');
  });
});

describe('AmpoError', () => {
  it('is recognised across copies by its marker, and serialises as data', () => {
    const error = new AmpoError('rate-limited', 'slow down', { details: { retryAfter: 3 } });
    const lookalike = Object.assign(new Error('x'), { [Symbol.for('ampo.error')]: true });
    expect(AmpoError.isInstance(error)).toBe(true);
    expect(AmpoError.isInstance(lookalike)).toBe(true);
    expect(AmpoError.isInstance(new Error('x'))).toBe(false);
    expect(error.retryable).toBe(true);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'rate-limited',
      message: 'slow down',
      retryable: true,
      details: { retryAfter: 3 },
    });
    expect(AmpoError.from(new Error('boom'), 'ci-error').code).toBe('ci-error');
  });
});
