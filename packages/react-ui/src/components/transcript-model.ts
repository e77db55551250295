import type { AgentUsagePatch, OrchestratorEvent, TurnReason } from '@ampo/core/wire';

export type TranscriptItem =
  | { kind: 'turn'; key: string; turn: number; reason: TurnReason; prompt: string; at: number }
  | { kind: 'person'; key: string; text: string; author?: string; at: number }
  | { kind: 'agent'; key: string; turn: number; text: string; at: number }
  | { kind: 'tool'; key: string; turn: number; tool: string; input?: string; result?: { output?: string; isError: boolean }; at: number }
  | { kind: 'error'; key: string; turn: number; message: string; at: number }
  | { kind: 'turn-end'; key: string; turn: number; outcome: string; reason?: string; usage?: AgentUsagePatch; at: number };

/** The conversation with the agent: prompts, its messages and tool calls (with their results), people's messages. */
export const transcriptOf = (events: readonly OrchestratorEvent[]): TranscriptItem[] => {
  const items: TranscriptItem[] = [];
  const toolsById = new Map<string, Extract<TranscriptItem, { kind: 'tool' }>>();
  let lastTool: Extract<TranscriptItem, { kind: 'tool' }> | undefined;
  for (const event of events) {
    const key = `e${event.seq}`;
    if (event.type === 'agent-turn-started')
      items.push({ kind: 'turn', key, turn: event.turn, reason: event.reason, prompt: event.prompt, at: event.at });
    else if (event.type === 'message-received')
      items.push({ kind: 'person', key, text: event.text, ...(event.author ? { author: event.author } : {}), at: event.at });
    else if (event.type === 'agent-turn-ended')
      items.push({
        kind: 'turn-end',
        key,
        turn: event.turn,
        outcome: event.outcome,
        ...(event.reason ? { reason: event.reason } : {}),
        ...(event.usage ? { usage: event.usage } : {}),
        at: event.at,
      });
    else if (event.type === 'agent-output') {
      const output = event.output;
      if (output.type === 'text' && output.text.trim())
        items.push({ kind: 'agent', key, turn: event.turn, text: output.text, at: event.at });
      else if (output.type === 'error') items.push({ kind: 'error', key, turn: event.turn, message: output.message, at: event.at });
      else if (output.type === 'tool-use') {
        const item: Extract<TranscriptItem, { kind: 'tool' }> = {
          kind: 'tool',
          key,
          turn: event.turn,
          tool: output.tool,
          ...(output.input ? { input: output.input } : {}),
          at: event.at,
        };
        items.push(item);
        if (output.id) toolsById.set(output.id, item);
        lastTool = item;
      } else if (output.type === 'tool-result') {
        const tool = (output.id ? toolsById.get(output.id) : undefined) ?? (lastTool && !lastTool.result ? lastTool : undefined);
        if (tool) tool.result = { ...(output.output ? { output: output.output } : {}), isError: output.isError };
      }
    }
  }
  return items;
};
