import { UserError } from "../contracts/errors.ts";
import { DEFAULT_AGENTS, DEFAULT_ROUNDS, MAX_AGENTS } from "./personas.ts";

export interface SlashRun {
  command: "go" | "autochat";
  task: string;
  agents: number;
  rounds: number;
  /** `--models a,b`: the members' models, dealt out in turn. */
  models: string[];
  /** `--resume ID`: continue an interrupted run or relay instead of starting one. */
  resume?: string;
}

const USAGE = {
  go: "/go [--agents N] [--rounds R] [--models A,B] TASK | /go --resume RUN",
  autochat: "/autochat [N] [--rounds R] [--models A,B] [--no-prd] TASK | /autochat --resume RELAY",
};

/**
 * `/go TASK` and `/autochat [N] [--no-prd] TASK` given to `run`; undefined for any other prompt.
 * `--no-prd` is accepted for the seed's syntax: the relay never goes through a PRD here.
 */
export function parseSlashRun(prompt: string): SlashRun | undefined {
  const match = /^\/(go|autochat)(?:\s+([\s\S]*))?$/.exec(prompt.trim());
  if (!match) return undefined;
  const command = match[1] as SlashRun["command"];
  const words = (match[2] ?? "").split(/\s+/).filter(Boolean);
  let agents = DEFAULT_AGENTS;
  let rounds = DEFAULT_ROUNDS;
  let models: string[] = [];
  const count = (flag: string, value: string | undefined, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new UserError(`${flag} must be 1 to ${max}, got '${value ?? ""}' (${USAGE[command]})`, 2);
    return n;
  };
  if (words[0] === "--resume") {
    if (!words[1] || words.length > 2) throw new UserError(`--resume takes one id (${USAGE[command]})`, 2);
    return { command, task: "", agents, rounds, models: [], resume: words[1] };
  }
  while (words.length) {
    const word = words[0]!;
    if (command === "autochat" && /^\d+$/.test(word)) agents = count("the agent count", words.shift(), MAX_AGENTS);
    else if (word === "--agents") agents = count("--agents", (words.shift(), words.shift()), MAX_AGENTS);
    else if (word === "--rounds") rounds = count("--rounds", (words.shift(), words.shift()), 20);
    else if (word === "--models") {
      words.shift();
      models = (words.shift() ?? "").split(",").filter(Boolean);
      if (!models.length)
        throw new UserError(`--models takes provider/model names, comma-separated (${USAGE[command]})`, 2);
    } else if (word === "--no-prd" && command === "autochat") words.shift();
    else if (/^--\w/.test(word)) throw new UserError(`unknown option ${word} (${USAGE[command]})`, 2);
    else break;
  }
  const task = words.join(" ").trim();
  if (!task) throw new UserError(`no task given: ${USAGE[command]}`, 2);
  return { command, task, agents, rounds, models };
}
