/** One line of a diff as shown: context, added, removed, or a hunk header. */
export interface DiffLine {
  kind: 'context' | 'add' | 'remove' | 'hunk';
  text: string;
  oldNumber?: number;
  newNumber?: number;
}

const split = (text: string) => {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
};

/** Beyond this many cells the LCS table costs too much: show the whole file replaced. */
const maxCells = 400_000;

/** The lines that changed from `before` to `after` (a longest-common-subsequence diff), numbered. */
export const diffLines = (before: string, after: string): DiffLine[] => {
  const a = split(before);
  const b = split(after);
  if (a.length * b.length > maxCells) {
    return [
      ...a.map((text, index): DiffLine => ({ kind: 'remove', text, oldNumber: index + 1 })),
      ...b.map((text, index): DiffLine => ({ kind: 'add', text, newNumber: index + 1 })),
    ];
  }
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      table[i * width + j] =
        a[i] === b[j]
          ? (table[(i + 1) * width + j + 1] as number) + 1
          : Math.max(table[(i + 1) * width + j] as number, table[i * width + j + 1] as number);
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ kind: 'context', text: a[i] as string, oldNumber: i + 1, newNumber: j + 1 });
      i++;
      j++;
    } else if (j < b.length && (i === a.length || (table[i * width + j + 1] as number) >= (table[(i + 1) * width + j] as number))) {
      lines.push({ kind: 'add', text: b[j] as string, newNumber: j + 1 });
      j++;
    } else {
      lines.push({ kind: 'remove', text: a[i] as string, oldNumber: i + 1 });
      i++;
    }
  }
  return lines;
};

/** Keeps changed lines and `context` lines around them; long unchanged runs become one hunk marker. */
export const withContext = (lines: readonly DiffLine[], context = 3): DiffLine[] => {
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((line, index) => {
    if (line.kind === 'context') return;
    for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k++) keep[k] = true;
  });
  const shown: DiffLine[] = [];
  let skipped = 0;
  lines.forEach((line, index) => {
    if (keep[index]) {
      if (skipped > 0) shown.push({ kind: 'hunk', text: `… ${skipped} unchanged line${skipped === 1 ? '' : 's'}` });
      skipped = 0;
      shown.push(line);
    } else skipped++;
  });
  if (skipped > 0 && shown.length > 0) shown.push({ kind: 'hunk', text: `… ${skipped} unchanged line${skipped === 1 ? '' : 's'}` });
  return shown;
};

export interface DiffFile {
  path: string;
  /** The path before a rename. */
  oldPath?: string;
  status: 'added' | 'deleted' | 'modified' | 'renamed';
  lines: DiffLine[];
  additions: number;
  deletions: number;
  binary: boolean;
}

const stripPrefix = (path: string) => path.replace(/^[ab]\//, '');

/** Parses `git diff` output (unified format) into files and numbered lines. */
export const parseUnifiedDiff = (diff: string): DiffFile[] => {
  const files: DiffFile[] = [];
  let file: DiffFile | undefined;
  let oldLine = 0;
  let newLine = 0;
  const start = (path: string) => {
    file = { path, status: 'modified', lines: [], additions: 0, deletions: 0, binary: false };
    files.push(file);
  };
  for (const line of diff.split('\n')) {
    const header = /^diff --git a\/(.+) b\/(.+)$/.exec(line);
    if (header) {
      start(header[2] as string);
      if (header[1] !== header[2] && file) file.oldPath = header[1] as string;
      continue;
    }
    if (line.startsWith('--- ')) {
      if (!file) start(stripPrefix(line.slice(4)));
      if (line === '--- /dev/null' && file) file.status = 'added';
      continue;
    }
    if (line.startsWith('+++ ')) {
      if (file && line !== '+++ /dev/null') file.path = stripPrefix(line.slice(4));
      if (line === '+++ /dev/null' && file) file.status = 'deleted';
      continue;
    }
    if (!file) continue;
    if (line.startsWith('new file mode')) file.status = 'added';
    else if (line.startsWith('deleted file mode')) file.status = 'deleted';
    else if (line.startsWith('rename from ')) {
      file.status = 'renamed';
      file.oldPath = line.slice('rename from '.length);
    } else if (line.startsWith('Binary files ')) file.binary = true;
    else if (line.startsWith('@@')) {
      const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/.exec(line);
      oldLine = Number(hunk?.[1] ?? 1);
      newLine = Number(hunk?.[2] ?? 1);
      file.lines.push({ kind: 'hunk', text: line });
    } else if (line.startsWith('+')) {
      file.lines.push({ kind: 'add', text: line.slice(1), newNumber: newLine++ });
      file.additions++;
    } else if (line.startsWith('-')) {
      file.lines.push({ kind: 'remove', text: line.slice(1), oldNumber: oldLine++ });
      file.deletions++;
    } else if (line.startsWith(' ')) {
      file.lines.push({ kind: 'context', text: line.slice(1), oldNumber: oldLine++, newNumber: newLine++ });
    }
  }
  return files;
};
