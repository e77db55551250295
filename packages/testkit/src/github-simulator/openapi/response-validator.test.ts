import { describe, expect, it } from 'vitest';
import { convertNullable } from './extract.js';
import { createResponseValidator, officialExample } from './response-validator.js';

describe('response validation against GitHub OpenAPI description', () => {
  it('accepts the official example and rejects a body that drifts from the schema', () => {
    const validate = createResponseValidator({});
    const pull = officialExample('POST /repos/{owner}/{repo}/pulls', 201);
    // GitHub's own examples drift too (no `language`, no team `type`): the simulator fills those in.
    const fixed = JSON.parse(JSON.stringify(pull).replaceAll('"private":', '"language":null,"private":'));
    for (const team of fixed.requested_teams ?? []) team.type = 'organization';
    expect(validate('POST /repos/{owner}/{repo}/pulls', 201, fixed)).toBeUndefined();

    const broken = { ...fixed, number: '1', state: 'merged' };
    delete broken.head;
    const violation = validate('POST /repos/{owner}/{repo}/pulls', 201, broken);
    expect(violation?.errors.join('\n')).toMatch(/\/number must be integer/);
    expect(violation?.errors.join('\n')).toMatch(/must have required property 'head'/);
    expect(violation?.errors.join('\n')).toMatch(/\/state must be equal to one of the allowed values/);
  });

  it('checks error bodies of undeclared statuses against basic-error', () => {
    const validate = createResponseValidator({});
    expect(
      validate('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', 503, {
        message: 'Server Error',
        documentation_url: 'https://docs.github.com',
      }),
    ).toBeUndefined();
    expect(validate('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', 503, { message: 1 })).toBeDefined();
  });

  it('accepts known drift only where it is allow-listed', () => {
    const runs = officialExample<{ check_runs: Array<Record<string, unknown>> }>('GET /repos/{owner}/{repo}/commits/{ref}/check-runs');
    (runs.check_runs[0] as Record<string, unknown>).conclusion = 'stale';
    expect(createResponseValidator({})('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', 200, runs)).toBeDefined();
    expect(createResponseValidator()('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', 200, runs)).toBeUndefined();
    (runs.check_runs[0] as Record<string, unknown>).status = 'finished';
    expect(createResponseValidator()('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', 200, runs)?.errors).toHaveLength(1);
  });

  it('turns OpenAPI nullable into JSON Schema null types', () => {
    expect(convertNullable({ type: 'string', nullable: true, enum: ['a'] })).toEqual({ type: ['string', 'null'], enum: ['a', null] });
    expect(convertNullable({ allOf: [{ $ref: '#/x' }], nullable: true })).toEqual({
      anyOf: [{ allOf: [{ $ref: '#/x' }] }, { type: 'null' }],
    });
    expect(convertNullable({ properties: { nullable: { type: 'boolean' } } })).toEqual({ properties: { nullable: { type: 'boolean' } } });
  });
});
