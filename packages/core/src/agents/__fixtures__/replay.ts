import { readFileSync } from 'node:fs';
import type { AgentEvent } from '../../domain/agent.js';
import type { AgentStreamParser } from '../../ports/agent-driver.js';

export const fixture = (name: string): string => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');

/** Feeds a recorded stdout through a parser, line by line, as the orchestrator does. */
export const replay = (parser: AgentStreamParser, stdout: string): AgentEvent[] =>
  stdout.split('\n').flatMap((line) => parser.parseLine(line));

export const ofType = <T extends AgentEvent['type']>(events: AgentEvent[], type: T) =>
  events.filter((event): event is Extract<AgentEvent, { type: T }> => event.type === type);
