import { describeContainerRuntime } from '../conformance/describe-container-runtime.js';
import { createFakeContainerRuntime } from './fake-container-runtime.js';

// One fake shared by the suite and its "second instance", as one engine would be.
const runtime = createFakeContainerRuntime();

describeContainerRuntime({
  name: 'in-memory fake',
  create: () => runtime,
  reopen: true,
});
