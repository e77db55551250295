// A child process that appends `count` events and log chunks to one task, retrying on conflicts
// and on a locked file, as every writer sharing a database must. Prints its retry counts as JSON.
import { AmpoError, transition } from '@ampo/core';
import { createSqliteStore } from '../create-sqlite-store.js';

const [filename, taskId, writer, countText] = process.argv.slice(2);
if (!filename || !taskId || !writer || !countText) throw new Error('usage: concurrent-writer FILE TASK WRITER COUNT');

const retryable = (error: unknown) => AmpoError.isInstance(error) && (error.code === 'conflict' || error.code === 'unavailable');

// A short busy timeout, so that a locked file is seen and retried too. Opening runs the migrations,
// which the other writer may hold: that is retried as well, as the error says to.
const open = async () => {
  for (;;) {
    try {
      return await createSqliteStore({ filename, busyTimeoutMs: 2 });
    } catch (error) {
      if (!(AmpoError.isInstance(error) && error.retryable)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
};
const store = await open();
// Start together: say ready, then wait for the parent's go.
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
const retries = { conflict: 0, unavailable: 0 };
for (let index = 0; index < Number(countText); index++) {
  for (;;) {
    try {
      const task = await store.getTask(taskId);
      if (!task) throw new Error(`no task ${taskId}`);
      const event = { type: 'message-received', taskId, seq: task.lastSeq + 1, at: Date.now(), text: `${writer}:${index}` } as const;
      await store.append(taskId, [event], transition(task, event)[0]);
      break;
    } catch (error) {
      if (!retryable(error)) throw error;
      retries[(error as AmpoError).code as keyof typeof retries]++;
    }
  }
  for (;;) {
    try {
      await store.appendLogs(taskId, [{ at: Date.now(), stream: 'stdout', text: `${writer}:${index}` }]);
      break;
    } catch (error) {
      if (!retryable(error)) throw error;
      retries.unavailable++;
    }
  }
}
await store.close();
process.stdout.write(`${JSON.stringify(retries)}\n`);
