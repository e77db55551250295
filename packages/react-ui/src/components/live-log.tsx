import { type CSSProperties, memo, useCallback, useEffect, useId, useRef, useState } from 'react';
import type { LogLine } from '../client/log-lines.js';
import { useTaskLogs } from '../hooks/use-task-logs.js';
import { type AnsiSpan, parseAnsi } from './ansi.js';
import { classNames } from './class-names.js';
import { useIsomorphicLayoutEffect } from './use-isomorphic-layout-effect.js';

export interface LiveLogProps {
  taskId: string;
  /** The log's visible height, as CSS. @default '24rem' */
  height?: string;
  /** The height of one line in pixels; the stylesheet's line height matches the default. @default 18 */
  lineHeight?: number;
  /** Lines drawn beyond the visible ones, above and below. @default 20 */
  overscan?: number;
  /** @default 'Log' */
  label?: string;
  className?: string;
}

const colour = (value: number | string | undefined) =>
  value === undefined ? undefined : typeof value === 'number' ? `var(--ampo-ansi-${value})` : value;

const spanStyle = (span: AnsiSpan): CSSProperties | undefined => {
  if (
    !span.foreground &&
    span.foreground !== 0 &&
    !span.background &&
    span.background !== 0 &&
    !span.bold &&
    !span.dim &&
    !span.italic &&
    !span.underline
  )
    return undefined;
  return {
    color: colour(span.foreground),
    backgroundColor: colour(span.background),
    fontWeight: span.bold ? 700 : undefined,
    opacity: span.dim ? 0.7 : undefined,
    fontStyle: span.italic ? 'italic' : undefined,
    textDecoration: span.underline ? 'underline' : undefined,
  };
};

const Line = memo(({ line }: { line: LogLine }) => (
  <div className="ampo-live-log__line" data-line={line.number} data-seq={line.seq} data-stream={line.stream}>
    <span className="ampo-live-log__number" aria-hidden="true">
      {line.number}
    </span>
    <span className="ampo-live-log__text">
      {parseAnsi(line.text).map((span, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: spans of one line never reorder
        <span key={index} style={spanStyle(span)}>
          {span.text}
        </span>
      ))}
    </span>
  </div>
));

/**
 * A task's log, live. Only the lines in view are in the page (a 100k-line log is as light as a
 * short one), ANSI colours are drawn, and it follows the tail until the reader scrolls up —
 * then it stays put and offers to jump back to the newest line.
 */
export const LiveLog = ({ taskId, height = '24rem', lineHeight = 18, overscan = 20, label = 'Log', className }: LiveLogProps) => {
  const { lines, lineCount, status, error } = useTaskLogs(taskId);
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(400);
  const [following, setFollowing] = useState(true);
  const followingRef = useRef(true);
  const id = useId();

  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    setViewportHeight(element.clientHeight || 400);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setViewportHeight(element.clientHeight || 400));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Follow the tail: after new lines are laid out, keep the bottom in view.
  useIsomorphicLayoutEffect(() => {
    const element = viewport.current;
    if (!element || !followingRef.current) return;
    element.scrollTop = element.scrollHeight;
    setScrollTop(element.scrollTop);
  }, [lineCount]);

  const onScroll = useCallback(() => {
    const element = viewport.current;
    if (!element) return;
    const atBottom = element.scrollTop + element.clientHeight >= element.scrollHeight - lineHeight;
    followingRef.current = atBottom;
    setFollowing(atBottom);
    setScrollTop(element.scrollTop);
  }, [lineHeight]);

  const jumpToLatest = () => {
    const element = viewport.current;
    followingRef.current = true;
    setFollowing(true);
    if (element) {
      element.scrollTop = element.scrollHeight;
      element.focus();
    }
  };

  const first = Math.max(0, Math.floor(scrollTop / lineHeight) - overscan);
  const last = Math.min(lineCount, Math.ceil((scrollTop + viewportHeight) / lineHeight) + overscan);
  const visible = lines.slice(first, last);

  return (
    <div
      className={classNames('ampo-theme', 'ampo-live-log', className)}
      style={{ '--ampo-log-line-height': `${lineHeight}px` } as CSSProperties}
    >
      <div className="ampo-live-log__bar">
        <span id={`${id}-label`} className="ampo-live-log__label">
          {label}
        </span>
        <span className="ampo-muted" aria-live="polite">
          {status === 'loading' ? 'Loading…' : `${lineCount.toLocaleString('en')} line${lineCount === 1 ? '' : 's'}`}
          {status === 'ready' && !following ? ' · paused' : ''}
        </span>
        {!following && (
          <button type="button" className="ampo-button ampo-button--small" onClick={jumpToLatest}>
            Jump to latest
          </button>
        )}
      </div>
      {status === 'error' && (
        <p className="ampo-notice" data-tone="failure" role="alert">
          The log could not be loaded: {error?.message}
        </p>
      )}
      <div
        ref={viewport}
        className="ampo-live-log__viewport"
        style={{ height }}
        onScroll={onScroll}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to be scrolled with the keyboard
        tabIndex={0}
        role="log"
        aria-live="off"
        aria-labelledby={`${id}-label`}
        data-line-count={lineCount}
        data-following={following}
      >
        <div className="ampo-live-log__spacer" style={{ height: lineCount * lineHeight }}>
          <div className="ampo-live-log__window" style={{ transform: `translateY(${first * lineHeight}px)` }}>
            {visible.map((line) => (
              <Line key={line.number} line={line} />
            ))}
          </div>
        </div>
      </div>
    </div>
  );
};
