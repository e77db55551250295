export {
  ScriptedAgentScenario,
  type ScriptedAgentScenarioInput,
  ScriptedAgentStep,
  ScriptedAgentThread,
} from './scenario.js';
export {
  listScriptedAgentThreads,
  readScriptedAgentThread,
  scriptedAgentBin,
  scriptedAgentScenarioEnv,
  scriptedAgentScenarioPath,
  writeScenario,
} from './scripted-agent-files.js';
