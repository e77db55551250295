import { describeTaskLeases } from '../conformance/describe-task-leases.js';
import { describeTaskStore } from '../conformance/describe-task-store.js';
import { createInMemoryTaskStore } from './in-memory-task-store.js';

describeTaskStore({ name: 'in-memory', create: createInMemoryTaskStore });
describeTaskLeases({ name: 'in-memory', create: createInMemoryTaskStore });
