import { describeTaskLeases } from './describe-task-leases.js';
import { describeTaskStore } from './describe-task-store.js';
import { createInMemoryTaskStore } from './in-memory-task-store.js';

describeTaskStore({ name: 'in-memory', create: createInMemoryTaskStore });
describeTaskLeases({ name: 'in-memory', create: createInMemoryTaskStore });
