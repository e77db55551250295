#!/usr/bin/env node
// ampo-scripted-agent: a SCRIPTED stand-in for the Amp CLI (and, with `--format claude` or Claude
// Code's argv, for Claude Code). It calls no model. It reads a scenario, matches the prompt against
// its steps, writes files, runs commands, prints messages, and speaks the CLI's stream-JSON.
//
// No dependencies, Node >= 18. Only dynamic import() and no require/import statements, so the
// file runs as CommonJS or as ESM wherever it is copied.
//
// Scenario: JSON at $AMPO_SCRIPTED_AGENT_SCENARIO, else <cwd>/.ampo/scripted-agent.json:
//   { "steps": [ { "name", "when": "<regex on the prompt>", "flags": "i", "maxUses",
//                  "files": { "<path>": "<content>" | null }, "commands": [["argv", "..."]],
//                  "messages": ["..."], "delayMs", "printLines": { "count", "perSecond", "stream" },
//                  "printRaw": ["<a stdout line, printed as it is>" | { "text", "repeat" }],
//                  "end": "ok" | "error" | "exit" | "crash" | "hang", "reason", "exitCode",
//                  "usage": { "inputTokens", "outputTokens", "costUsd" } } ] }
// The first step whose `when` matches (and is not used up) runs. Threads persist in
// ~/.ampo-scripted-agent/threads/<id>.json with every prompt received.

(async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const os = await import('node:os');
  const crypto = await import('node:crypto');
  const childProcess = await import('node:child_process');

  const version = '0.0.0-ampo-scripted-agent';
  const marker = '[scripted agent]';
  const started = Date.now();
  const argv = process.argv.slice(2);

  const out = (object) => process.stdout.write(`${JSON.stringify(object)}\n`);
  const fail = (message, code = 1) => {
    process.stderr.write(`${message}\n`);
    process.exit(code);
  };

  // ---- argv, in the shape of the real CLIs -------------------------------------------------
  const claudeShape = argv.includes('--format')
    ? argv[argv.indexOf('--format') + 1] === 'claude'
    : argv.some((a) => a === '-p' || a === '--print' || a === '--output-format' || a.startsWith('--output-format='));
  const format = claudeShape ? 'claude' : 'amp';

  const parsed = {
    threadId: undefined,
    prompt: undefined,
    streamJson: false,
    executeFlag: false,
    skipPermissions: false,
    model: undefined,
    outputFormat: 'text',
    sessionId: undefined,
  };
  const withValue = {
    amp: [
      '--mode',
      '-m',
      '--settings-file',
      '--log-level',
      '--log-file',
      '--visibility',
      '--label',
      '-l',
      '--mcp-config',
      '--title',
      '--executor',
      '--format',
    ],
    claude: [
      '--output-format',
      '--resume',
      '-r',
      '--session-id',
      '--model',
      '--format',
      '--max-turns',
      '--permission-mode',
      '--append-system-prompt',
      '--system-prompt',
      '--allowedTools',
      '--disallowedTools',
      '--settings',
      '--add-dir',
    ],
  }[format];
  const flags = {
    amp: [
      '--dangerously-allow-all',
      '--no-archive-after-execute',
      '--archive-after-execute',
      '--stream-json',
      '--stream-json-thinking',
      '--no-notifications',
      '--notifications',
      '--no-color',
      '--color',
      '--no-ide',
      '--ide',
      '--fast',
    ],
    claude: ['-p', '--print', '--verbose', '--dangerously-skip-permissions', '--continue', '-c', '--include-partial-messages'],
  }[format];
  const positionals = [];

  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (arg === '--version' || arg === '-V' || arg === '-v') {
      process.stdout.write(`${version} (${marker} not ${format === 'amp' ? 'Amp' : 'Claude Code'}; no model is called)\n`);
      process.exit(0);
    }
    if (format === 'amp' && (arg === '-x' || arg === '--execute')) {
      parsed.executeFlag = true;
      const next = argv[index + 1];
      if (next !== undefined && !next.startsWith('-')) {
        parsed.prompt = next;
        index += 1;
      }
      continue;
    }
    if (format === 'amp' && arg.startsWith('--execute=')) {
      parsed.executeFlag = true;
      parsed.prompt = arg.slice('--execute='.length);
      continue;
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = equals > 0 ? arg.slice(0, equals) : arg;
    if (withValue.includes(name)) {
      const value = equals > 0 ? arg.slice(equals + 1) : argv[++index];
      if (value === undefined) fail(`error: option '${name} <value>' argument missing`);
      if (name === '--output-format') parsed.outputFormat = value;
      if (name === '--resume' || name === '-r') parsed.threadId = value;
      if (name === '--session-id') parsed.sessionId = value;
      if (name === '--model' || name === '--mode' || name === '-m') parsed.model = value;
      continue;
    }
    if (flags.includes(arg)) {
      if (arg === '--stream-json' || arg === '--stream-json-thinking') parsed.streamJson = true;
      if (arg === '--dangerously-skip-permissions') parsed.skipPermissions = true;
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') {
      fail(format === 'amp' ? `Error: error: unknown option '${arg}'` : `error: unknown option '${arg}'`);
    }
    positionals.push(arg);
  }

  if (format === 'amp') {
    if (positionals[0] === 'threads' && positionals[1] === 'continue') {
      parsed.threadId = positionals[2];
      if (!parsed.threadId) fail('Error: a thread id is required: amp threads continue <T-id> (scripted agent has no picker)');
      positionals.splice(0, 3);
    }
    if (positionals.length > 0) fail(`Error: Unknown command "${positionals[0]}". Run 'amp --help' for the full list.`);
    parsed.streamJson = parsed.streamJson && parsed.executeFlag;
  } else {
    if (positionals.length > 1) fail(`error: too many arguments: ${positionals.length}`);
    if (positionals[0] !== undefined && positionals[0] !== '-') parsed.prompt = positionals[0];
    parsed.streamJson = parsed.outputFormat === 'stream-json';
    if (parsed.skipPermissions && typeof process.getuid === 'function' && process.getuid() === 0 && process.env.IS_SANDBOX !== '1') {
      fail('--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons');
    }
  }

  if (parsed.prompt === undefined) {
    try {
      parsed.prompt = fs.readFileSync(0, 'utf8');
    } catch {
      parsed.prompt = '';
    }
  }
  const prompt = parsed.prompt.trim();
  if (!prompt)
    fail(
      format === 'amp'
        ? 'Error: no message given: pass it after --execute or on stdin'
        : 'Error: Input must be provided either through stdin or as a prompt argument when using --print',
    );

  // ---- threads -------------------------------------------------------------------------------
  const home = path.join(os.homedir(), '.ampo-scripted-agent');
  const threadsDir = path.join(home, 'threads');
  fs.mkdirSync(threadsDir, { recursive: true });
  const threadFile = (id) => path.join(threadsDir, `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);

  let thread;
  if (parsed.threadId) {
    try {
      thread = JSON.parse(fs.readFileSync(threadFile(parsed.threadId), 'utf8'));
    } catch {
      if (format === 'claude' && parsed.streamJson) {
        const reason = `No conversation found with session ID: ${parsed.threadId}`;
        out({
          type: 'result',
          subtype: 'error_during_execution',
          duration_ms: 0,
          duration_api_ms: 0,
          is_error: true,
          num_turns: 0,
          session_id: parsed.threadId,
          total_cost_usd: 0,
          usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
          permission_denials: [],
          errors: [reason],
        });
        fail(reason);
      }
      fail(`Error: Thread ${parsed.threadId} not found`);
    }
  } else {
    const uuid = parsed.sessionId ?? crypto.randomUUID();
    thread = { id: format === 'amp' ? `T-${uuid}` : uuid, format, createdAt: new Date().toISOString(), cwd: process.cwd(), prompts: [] };
  }
  const saveThread = () => fs.writeFileSync(threadFile(thread.id), `${JSON.stringify(thread, null, 2)}\n`);

  // ---- scenario ------------------------------------------------------------------------------
  const scenarioPath = process.env.AMPO_SCRIPTED_AGENT_SCENARIO || path.join(process.cwd(), '.ampo', 'scripted-agent.json');
  let scenario;
  try {
    scenario = JSON.parse(fs.readFileSync(scenarioPath, 'utf8'));
  } catch (error) {
    fail(
      `Error: ${marker} cannot read its scenario at ${scenarioPath} (set AMPO_SCRIPTED_AGENT_SCENARIO or write .ampo/scripted-agent.json): ${error.message}`,
    );
  }
  const steps = Array.isArray(scenario?.steps) ? scenario.steps : [];
  const usesFile = path.join(home, 'step-uses.json');
  let uses = {};
  try {
    uses = JSON.parse(fs.readFileSync(usesFile, 'utf8'));
  } catch {}
  const useKey = (index) => `${scenarioPath}#${index}`;
  const stepIndex = steps.findIndex((step, index) => {
    if (step.maxUses !== undefined && (uses[useKey(index)] ?? 0) >= step.maxUses) return false;
    return step.when === undefined || new RegExp(step.when, step.flags ?? 'i').test(prompt);
  });
  const step = steps[stepIndex];
  if (step) {
    uses[useKey(stepIndex)] = (uses[useKey(stepIndex)] ?? 0) + 1;
    fs.writeFileSync(usesFile, JSON.stringify(uses));
  }
  thread.prompts.push({ at: new Date().toISOString(), prompt, step: step ? (step.name ?? stepIndex) : null });
  saveThread();

  // ---- the stream ----------------------------------------------------------------------------
  const sessionId = thread.id;
  const model = 'ampo-scripted-agent';
  const usage = step?.usage || {};
  const perMessage = {
    input_tokens: usage.inputTokens ?? 100,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: usage.outputTokens ?? 20,
  };
  let messages = 0;
  let toolCalls = 0;
  let lastText = '';
  const totals = { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };

  const assistant = (content, stopReason) => {
    messages += 1;
    for (const key of Object.keys(totals)) totals[key] += perMessage[key];
    for (const block of content) if (block.type === 'text') lastText = block.text;
    if (!parsed.streamJson) return;
    out({
      type: 'assistant',
      message: {
        id: `msg_scripted_${crypto.randomUUID().replace(/-/g, '')}`,
        type: 'message',
        role: 'assistant',
        model,
        content,
        stop_reason: stopReason,
        stop_sequence: null,
        usage: { ...perMessage },
      },
      parent_tool_use_id: null,
      session_id: sessionId,
    });
  };
  const toolResult = (toolUseId, content, isError) => {
    if (!parsed.streamJson) return;
    out({
      type: 'user',
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content, is_error: isError }] },
      parent_tool_use_id: null,
      session_id: sessionId,
    });
  };
  const tool = (name, input, run) => {
    toolCalls += 1;
    const id = `toolu_scripted_${String(toolCalls).padStart(3, '0')}`;
    assistant([{ type: 'tool_use', id, name, input }], 'tool_use');
    let result;
    try {
      result = run();
    } catch (error) {
      result = { content: String(error?.message ? error.message : error), isError: true };
    }
    toolResult(id, result.content, result.isError);
  };

  if (parsed.streamJson) {
    if (format === 'amp') {
      out({
        type: 'system',
        subtype: 'init',
        cwd: process.cwd(),
        session_id: sessionId,
        tools: ['Bash', 'create_file', 'edit_file', 'Read'],
        mcp_servers: [],
        model,
        scripted: true,
      });
      out({
        type: 'user',
        message: { role: 'user', content: [{ type: 'text', text: prompt }] },
        parent_tool_use_id: null,
        session_id: sessionId,
      });
    } else {
      out({
        type: 'system',
        subtype: 'init',
        cwd: process.cwd(),
        session_id: sessionId,
        tools: ['Bash', 'Edit', 'Read', 'Write'],
        mcp_servers: [],
        model,
        permissionMode: parsed.skipPermissions ? 'bypassPermissions' : 'default',
        apiKeySource: process.env.ANTHROPIC_API_KEY ? 'ANTHROPIC_API_KEY' : 'none',
        claude_code_version: version,
        output_style: 'default',
        uuid: crypto.randomUUID(),
        scripted: true,
      });
    }
  }

  const finish = (ok, reason) => {
    const numTurns = messages;
    const durationMs = Date.now() - started;
    if (parsed.streamJson) {
      const base = {
        type: 'result',
        subtype: ok ? 'success' : 'error_during_execution',
        duration_ms: durationMs,
        is_error: !ok,
        num_turns: numTurns,
      };
      if (format === 'amp') {
        out({ ...base, ...(ok ? { result: lastText } : { error: reason }), session_id: sessionId, usage: { ...totals } });
      } else {
        out({
          ...base,
          duration_api_ms: 0,
          ...(ok ? { result: lastText } : { errors: [reason] }),
          stop_reason: ok ? 'end_turn' : null,
          session_id: sessionId,
          total_cost_usd: usage.costUsd ?? 0,
          usage: { ...totals },
          permission_denials: [],
          uuid: crypto.randomUUID(),
        });
      }
    } else {
      process.stdout.write(`${ok ? lastText : `Error: ${reason}`}\n`);
    }
    // Amp exits 0 even when the result is an error; Claude Code exits 1.
    process.exit(step && step.exitCode !== undefined ? step.exitCode : ok || format === 'amp' ? 0 : 1);
  };

  if (!step) {
    assistant([{ type: 'text', text: `${marker} No step of the scenario at ${scenarioPath} matches this prompt.` }], 'end_turn');
    finish(false, `${marker} no scenario step matches the prompt: ${prompt.slice(0, 200)}`);
  }

  assistant([{ type: 'text', text: `${marker} Running step "${step.name ?? stepIndex}" of ${scenarioPath}.` }], 'tool_use');

  const cwd = process.cwd();
  for (const [file, content] of Object.entries(step.files ?? {})) {
    const target = path.resolve(cwd, file);
    if (content === null) {
      tool('Bash', format === 'amp' ? { cmd: `rm -f ${file}` } : { command: `rm -f ${file}` }, () => {
        fs.rmSync(target, { force: true });
        return { content: '', isError: false };
      });
    } else {
      tool(
        format === 'amp' ? 'create_file' : 'Write',
        format === 'amp' ? { path: target, content } : { file_path: target, content },
        () => {
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(target, content);
          return {
            content: format === 'amp' ? `Successfully created file ${target}` : `File created successfully at: ${target}`,
            isError: false,
          };
        },
      );
    }
  }

  for (const command of step.commands ?? []) {
    const line = command.join(' ');
    tool('Bash', format === 'amp' ? { cmd: line } : { command: line }, () => {
      const run = childProcess.spawnSync(command[0], command.slice(1), {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 16 * 1024 * 1024,
      });
      if (run.error) return { content: String(run.error.message), isError: true };
      const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.slice(-8000);
      return { content: run.status === 0 ? output : `${output}\nexit code ${run.status}`, isError: run.status !== 0 };
    });
  }

  if (step.printLines) {
    // Steady output in 10 ms slices, each line stamped with the time it was written.
    const { count, perSecond } = step.printLines;
    const out = step.printLines.stream === 'stderr' ? process.stderr : process.stdout;
    const perSlice = Math.max(1, Math.round(perSecond / 100));
    const begun = Date.now();
    for (let printed = 0; printed < count; ) {
      const due = Math.min(count, Math.floor(((Date.now() - begun) / 1000) * perSecond) + perSlice);
      let batch = '';
      for (; printed < due; printed++) batch += `ampo-line ${printed + 1} ${Date.now()}\n`;
      if (batch) out.write(batch);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  // Lines that are not the CLI's stream-JSON (broken, truncated, huge): what a confused CLI prints.
  for (const item of step.printRaw ?? []) {
    if (typeof item === 'string') {
      process.stdout.write(`${item}\n`);
      continue;
    }
    // A huge line, written in pieces that wait for the pipe to drain.
    const piece = item.text.repeat(Math.max(1, Math.floor(65_536 / item.text.length)));
    const perPiece = Math.floor(piece.length / item.text.length);
    for (let left = item.repeat; left > 0; left -= perPiece) {
      const text = left >= perPiece ? piece : item.text.repeat(left);
      if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
    process.stdout.write('\n');
  }

  const texts = step.messages ?? [];
  for (const [index, text] of texts.entries()) {
    assistant([{ type: 'text', text }], index === texts.length - 1 ? 'end_turn' : null);
  }

  if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));

  switch (step.end ?? 'ok') {
    case 'ok':
      finish(true);
      break;
    case 'error':
      finish(false, step.reason ?? `${marker} the scenario ends this turn with an error`);
      break;
    case 'exit':
      process.stderr.write(`${marker} exiting without a result, as the scenario says\n`);
      process.exit(step.exitCode ?? 0);
      break;
    case 'crash':
      process.stderr.write(`${marker} crashing (SIGKILL), as the scenario says\n`);
      process.kill(process.pid, 'SIGKILL');
      break;
    case 'hang':
      process.stderr.write(`${marker} hanging until killed, as the scenario says\n`);
      setInterval(() => {}, 1 << 30);
      break;
    default:
      fail(`Error: ${marker} unknown end "${step.end}" in step "${step.name ?? stepIndex}"`);
  }
})().catch((error) => {
  process.stderr.write(`[scripted agent] internal error: ${error?.stack ? error.stack : error}\n`);
  process.exit(70);
});
