import type { Command } from "commander";

/** One command of the tree: its path of names, its subcommands and its long options. */
interface Node {
  path: string[];
  description: string;
  subcommands: Node[];
  options: Array<{ long: string; description: string; choices?: string[] }>;
}

function tree(command: Command, path: string[] = []): Node {
  return {
    path,
    description: command.description(),
    subcommands: command.commands.map((sub) => tree(sub, [...path, sub.name()])),
    options: [
      ...command.options
        .filter((o) => o.long && !o.hidden)
        .map((o) => ({ long: o.long!, description: o.description, choices: o.argChoices })),
      { long: "--help", description: "show help" },
    ],
  };
}

function flatten(node: Node): Node[] {
  return [node, ...node.subcommands.flatMap(flatten)];
}

/** The shell script that completes the program's commands, subcommands and options, from its command tree. */
export function completionScript(program: Command, shell: "bash" | "zsh" | "fish"): string {
  const name = program.name();
  const nodes = flatten(tree(program));
  return shell === "fish" ? fishScript(name, nodes) : bashScript(name, nodes, shell === "zsh");
}

function bashScript(name: string, nodes: Node[], zsh: boolean): string {
  const fn = `_${name.replace(/\W/g, "_")}`;
  const cases = nodes
    .map((n) => {
      const words = [...n.subcommands.map((s) => s.path.at(-1)!), ...n.options.map((o) => o.long)].join(" ");
      return `    "${n.path.join(" ")}") echo "${words}" ;;`;
    })
    .join("\n");
  // An option's value: its choices, keyed by the command's path and the option.
  const values = nodes
    .flatMap((n) =>
      n.options
        .filter((o) => o.choices?.length)
        .map((o) => `    "${[...n.path, o.long].join(" ")}") echo "${o.choices!.join(" ")}" ;;`),
    )
    .join("\n");
  return `# ${name} completion for ${zsh ? "zsh" : "bash"}: eval "$(${name} completion ${zsh ? "zsh" : "bash"})"
${zsh ? "autoload -U +X bashcompinit && bashcompinit\n" : ""}${fn}_words() {
  case "$1" in
${cases}
  esac
}
${fn}_values() {
  case "$1" in
${values}
  esac
}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" i word values
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ $word == -* ]] && continue
    case " $(${fn}_words "$path") " in *" $word "*) path="\${path:+$path }$word" ;; esac
  done
  values="$(${fn}_values "\${path:+$path }$prev")"
  if [[ -n $values ]]; then
    COMPREPLY=($(compgen -W "$values" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -W "$(${fn}_words "$path")" -- "$cur"))
}
complete -o default -F ${fn} ${name}
`;
}

function fishScript(name: string, nodes: Node[]): string {
  const quote = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  const lines = [`# ${name} completion for fish: ${name} completion fish | source`, `complete -c ${name} -f`];
  for (const node of nodes) {
    // A node's words apply once its path was typed and none of its subcommands yet.
    const seen = node.path.map((word) => `__fish_seen_subcommand_from ${word}`);
    const notDeeper = node.subcommands.length
      ? [`not __fish_seen_subcommand_from ${node.subcommands.map((s) => s.path.at(-1)).join(" ")}`]
      : [];
    const condition = node.path.length ? [...seen, ...notDeeper].join("; and ") : "__fish_use_subcommand";
    for (const sub of node.subcommands)
      lines.push(`complete -c ${name} -n ${quote(condition)} -a ${sub.path.at(-1)} -d ${quote(sub.description)}`);
    for (const option of node.options) {
      const values = option.choices?.length ? ` -x -a ${quote(option.choices.join(" "))}` : "";
      lines.push(
        `complete -c ${name} -n ${quote(condition)} -l ${option.long.slice(2)}${values} -d ${quote(option.description)}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
