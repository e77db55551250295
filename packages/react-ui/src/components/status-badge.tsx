import type { CiConclusion, TaskStatus } from '@ampo/core/wire';
import type { ReactNode } from 'react';
import { classNames } from './class-names.js';
import { conclusionLabel, conclusionTone, statusLabels, statusTone, type Tone } from './format.js';

/** A label in a tone; the tone is never the only signal, the text says it too. */
export const Badge = ({ tone, children, className }: { tone: Tone; children: ReactNode; className?: string }) => (
  <span className={classNames('ampo-badge', className)} data-tone={tone}>
    {children}
  </span>
);

/** A task's status as a badge. */
export const StatusBadge = ({ status, className }: { status: TaskStatus; className?: string }) => (
  <Badge tone={statusTone(status)} className={className}>
    {statusLabels[status]}
  </Badge>
);

/** A CI conclusion as a badge; `running` when there is none yet. */
export const ConclusionBadge = ({ conclusion, className }: { conclusion: CiConclusion | undefined; className?: string }) => (
  <Badge tone={conclusionTone(conclusion)} className={className}>
    {conclusionLabel(conclusion)}
  </Badge>
);
