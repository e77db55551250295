export { type AgentDriversOptions, agentDrivers } from './agent-drivers.js';
export { type AmpDriverOptions, ampDriver, ampSettings, ampSettingsFileContent, ampSettingsPath } from './amp-driver.js';
export { type ClaudeCodeDriverOptions, claudeCodeDriver } from './claude-code-driver.js';
export { type ClaudeStreamParserOptions, createClaudeStreamParser } from './claude-stream-parser.js';
export { type CodexDriverOptions, codexDriver, createCodexStreamParser } from './codex-driver.js';
export { maxArgvPromptBytes, type PromptTransport } from './prompt-transport.js';
export { startFailurePattern } from './turn-tracker.js';
