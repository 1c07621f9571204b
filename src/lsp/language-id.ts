import { extname } from "node:path";

const LANGUAGE_IDS: Record<string, string> = {
  ".ts": "typescript",
  ".mts": "typescript",
  ".cts": "typescript",
  ".tsx": "typescriptreact",
  ".js": "javascript",
  ".mjs": "javascript",
  ".cjs": "javascript",
  ".jsx": "javascriptreact",
  ".py": "python",
  ".rs": "rust",
  ".go": "go",
  ".rb": "ruby",
  ".java": "java",
  ".c": "c",
  ".h": "c",
  ".cpp": "cpp",
  ".hpp": "cpp",
  ".cs": "csharp",
};

/** The LSP languageId of a file (by extension; unknown ones use the bare extension). */
export function languageIdOf(path: string): string {
  const extension = extname(path).toLowerCase();
  return LANGUAGE_IDS[extension] ?? extension.slice(1);
}
