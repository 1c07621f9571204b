/** One change of a hunk, located by its old lines (context + removed) rather than by line numbers. */
export interface Hunk {
  /** A line to find first (the `@@ def foo` context of the `*** Begin Patch` format). */
  anchor?: string;
  oldLines: string[];
  newLines: string[];
  /** 0-based line where the unified diff says the hunk starts; only a preference, never trusted. */
  hint?: number;
  /** The hunk must match at the end of the file (`*** End of File`). */
  atEnd?: boolean;
}

export type FileChange =
  | { kind: "add"; path: string; content: string }
  | { kind: "delete"; path: string }
  | { kind: "update"; path: string; moveTo?: string; hunks: Hunk[] };
