export { createBareRepository } from './bare-repository.js';
export { brokenChange, fixedChange, sampleProject, sampleScenario } from './sample-project.js';
