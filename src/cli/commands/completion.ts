import { Argument, Command } from "commander";

export function completionCommand(): Command {
  return new Command("completion")
    .description("Print the shell completion script for bash, zsh or fish")
    .addArgument(new Argument("<shell>", "the shell").choices(["bash", "zsh", "fish"]))
    .addHelpText(
      "after",
      `
Examples:
  $ echo 'eval "$(codetether completion bash)"' >> ~/.bashrc
  $ echo 'eval "$(codetether completion zsh)"' >> ~/.zshrc
  $ codetether completion fish > ~/.config/fish/completions/codetether.fish`,
    )
    .action(async (shell: "bash" | "zsh" | "fish", _options, command: Command) => {
      const { completionScript } = await import("../completion/completion-script.ts");
      let program = command;
      while (program.parent) program = program.parent;
      process.stdout.write(completionScript(program, shell));
    });
}
