import { Observable } from 'rxjs';
import type { OrchestratorEvent } from '../domain/events.js';

/**
 * Stored events after `afterSeq`, then live ones, in seq order without gaps or repeats: live
 * events that arrive while the store is read are held back and de-duplicated by seq.
 */
export const replayThenFollow = (
  live$: Observable<OrchestratorEvent>,
  read: (afterSeq: number) => Promise<OrchestratorEvent[]>,
  afterSeq: number,
): Observable<OrchestratorEvent> =>
  new Observable<OrchestratorEvent>((subscriber) => {
    let last = afterSeq;
    let held: OrchestratorEvent[] | undefined = [];
    const deliver = (event: OrchestratorEvent) => {
      if (event.seq <= last) return;
      last = event.seq;
      subscriber.next(event);
    };
    const subscription = live$.subscribe({
      next: (event) => (held ? held.push(event) : deliver(event)),
      error: (error) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    read(afterSeq).then(
      (stored) => {
        for (const event of stored) deliver(event);
        for (const event of held ?? []) deliver(event);
        held = undefined;
      },
      (error) => subscriber.error(error),
    );
    return subscription;
  });
