export { verifyAppJwt } from './app-jwt.js';
export {
  type CheckOutcome,
  type CiScript,
  createGitHubSimulator,
  type Fault,
  type GitHubSimulator,
  type GitHubSimulatorSettings,
  type Permission,
  type RequestCounts,
  type SimulatedCheck,
  type SimulatedConclusion,
  type SimulatedPush,
} from './github-simulator.js';
export { type DriftAllowList, knownDrift, type ResponseViolation } from './openapi/response-validator.js';
export type { RandomFaultCounts, RandomFaults } from './random-faults.js';
