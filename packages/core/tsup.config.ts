import { packageBuild } from '../../tsup.base.js';

export default packageBuild(['src/index.ts', 'src/testing/index.ts', 'src/conformance/index.ts', 'src/wire/index.ts']);
