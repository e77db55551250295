import { describeTaskLeases, describeTaskStore } from '@ampo/core/conformance';
import { useTestPostgres } from './__fixtures__/test-database.js';

const { openStore } = useTestPostgres();

describeTaskStore({ name: 'postgres', create: () => openStore() });
describeTaskLeases({ name: 'postgres', create: () => openStore() });
