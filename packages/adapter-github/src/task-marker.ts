/**
 * ampo marks its pull requests with the task id in an HTML comment (invisible on GitHub), so that
 * webhooks and a restarted process can tell which task a pull request belongs to.
 */
const markerPattern = /\n*<!-- ampo:task=([A-Za-z0-9_.:-]+) -->\s*$/;

export const appendTaskMarker = (body: string, taskId: string): string =>
  `${body.replace(markerPattern, '')}\n\n<!-- ampo:task=${taskId} -->`;

export const readTaskMarker = (body: string | null | undefined): string | undefined => markerPattern.exec(body ?? '')?.[1];
