export { CiTool } from './ci-tool.js';
export { classifyFailure } from './classify-failure.js';
export { detectTools } from './detect-tools.js';
export { type DigestCheckOutputInput, digestCheckOutput } from './digest-check-output.js';
