// Where a killed server really left a task: the last status in its database, read with the
// server down (which also proves the file opens after a SIGKILL).
import { join } from 'node:path';
import { createSqliteStore } from '@ampo/store-sqlite';

export const statusInDatabase = async (dataDirectory: string, taskId: string): Promise<string> => {
  const store = await createSqliteStore({ filename: join(dataDirectory, 'ampo.db') });
  try {
    const events = await store.readEvents(taskId);
    let status = 'queued';
    for (const event of events) if (event.type === 'task-status-changed') status = event.to;
    return status;
  } finally {
    await store.close();
  }
};
