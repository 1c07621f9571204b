/** The "Examples:" block of a command's --help, one `$ command` per line. */
export const examples = (...lines: string[]) => `\nExamples:\n${lines.map((line) => `  $ ${line}`).join("\n")}`;
