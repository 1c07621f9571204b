/** Escapes a string for use inside a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Whether a source line defines `name`, by the declaration keywords of common languages (TS/JS, Python,
 * Rust, Go, Java/C#, Ruby, C) plus `name = function|arrow` and object/class method forms.
 */
export function definesName(line: string, name: string, ignoreCase = false): boolean {
  const n = escape(name);
  const flags = ignoreCase ? "i" : "";
  const patterns = [
    `\\b(function\\*?|class|interface|type|enum|namespace|module|struct|trait|union|def|fn|func|macro_rules!|record)\\s+${n}\\b`,
    `\\b(const|let|var|val|static|final)\\s+(mut\\s+)?${n}\\b\\s*[:=]`,
    `\\bfunc\\s+\\([^)]*\\)\\s*${n}\\s*\\(`,
    `\\bimpl(<[^>]*>)?\\s+(\\w+\\s+for\\s+)?${n}\\b`,
    `^\\s*(export\\s+)?(default\\s+)?(public|private|protected|static|async|override|readonly|abstract|\\s)*${n}\\s*(<[^>]*>)?\\s*\\([^)]*\\)\\s*(:[^=]*)?\\{`,
    `\\b${n}\\s*[:=]\\s*(async\\s+)?(function\\b|\\([^)]*\\)\\s*=>|\\w+\\s*=>)`,
    `^\\s*(pub(\\([^)]*\\))?\\s+)?(async\\s+)?fn\\s+${n}\\b`,
  ];
  return patterns.some((p) => new RegExp(p, flags).test(line));
}
