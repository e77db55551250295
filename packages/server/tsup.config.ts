import { packageBuild } from '../../tsup.base.js';

// The library, and the bin `ampo-server` (dist/cli/main.js keeps its shebang).
export default packageBuild(['src/index.ts', 'src/cli/main.ts']);
