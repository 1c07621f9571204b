import { A2A_PROTOCOL_VERSION, type AgentCard, type AgentSkill } from "@a2a-js/sdk";
import { duplicateInterfacesForLegacy } from "@a2a-js/sdk/compat/v0_3";

export interface CardEndpoints {
  /** Base URL of the HTTP port, e.g. `http://127.0.0.1:4096`. */
  httpUrl: string;
  /** `host:port` of the gRPC port. */
  grpcAddress: string;
}

/** Where each binding lives on the HTTP port (the seed's peer URLs end in `/a2a`). */
export const JSONRPC_PATH = "/a2a";
export const REST_PATH = "/a2a/rest";
export const BEARER_SCHEME = "bearer";

const MODES = ["text/plain", "application/json"];

function skill(id: string, name: string, description: string, tags: string[], examples: string[]): AgentSkill {
  return { id, name, description, tags, examples, inputModes: MODES, outputModes: MODES, securityRequirements: [] };
}

const SKILLS: AgentSkill[] = [
  skill("code-generation", "Code Generation", "Writes and edits code in the served workspace: new features, refactors, tests.", ["code", "generation", "edit"], [
    "Add a --verbose flag to src/cli.ts",
    "Write unit tests for the parser",
  ]),
  skill("code-review", "Code Review", "Reviews code and diffs for bugs, risks and style, with concrete suggestions.", ["code", "review"], ["Review the changes in src/server/"]),
  skill("debugging", "Debugging", "Finds and fixes the cause of failing tests, crashes and wrong behaviour.", ["debugging", "fix"], ["npm test fails in test/api.test.ts; fix it"]),
];

/**
 * The public agent card: every interface with its exact URL (JSON-RPC first, the preferred one), each
 * also advertised for spec 0.3, push and streaming on, and the bearer scheme the server enforces.
 */
export function buildAgentCard(endpoints: CardEndpoints, version: string, extraSkills: AgentSkill[] = []): AgentCard {
  const base = endpoints.httpUrl.replace(/\/+$/, "");
  const interfaces = [
    { url: `${base}${JSONRPC_PATH}`, protocolBinding: "JSONRPC", tenant: "", protocolVersion: A2A_PROTOCOL_VERSION },
    { url: `${base}${REST_PATH}`, protocolBinding: "HTTP+JSON", tenant: "", protocolVersion: A2A_PROTOCOL_VERSION },
    { url: endpoints.grpcAddress, protocolBinding: "GRPC", tenant: "", protocolVersion: A2A_PROTOCOL_VERSION },
  ];
  return {
    name: "CodeTether Agent",
    description: "A2A-native AI coding agent",
    supportedInterfaces: duplicateInterfacesForLegacy(interfaces, ["JSONRPC", "HTTP+JSON", "GRPC"]),
    provider: { organization: "CodeTether", url: "https://codetether.run" },
    version,
    capabilities: { streaming: true, pushNotifications: true, extensions: [], extendedAgentCard: true },
    securitySchemes: {
      [BEARER_SCHEME]: {
        scheme: {
          $case: "httpAuthSecurityScheme",
          value: { scheme: "Bearer", bearerFormat: "opaque", description: "The token of `codetether serve` (CODETETHER_AUTH_TOKEN or <data dir>/auth-token)." },
        },
      },
    },
    securityRequirements: [{ schemes: { [BEARER_SCHEME]: { list: [] } } }],
    defaultInputModes: MODES,
    defaultOutputModes: MODES,
    skills: [...SKILLS, ...extraSkills],
    signatures: [],
  };
}

export interface ToolSummary {
  name: string;
  description: string;
  kind: string;
}

/** The authenticated extended card: the public one plus one skill per tool the agent can use. */
export function extendedAgentCard(card: AgentCard, tools: ToolSummary[]): AgentCard {
  const toolSkills = tools.map((t) => skill(`tool.${t.name}`, t.name, firstSentence(t.description), ["tool", t.kind], []));
  return { ...card, skills: [...card.skills, ...toolSkills] };
}

function firstSentence(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  const end = line.search(/\.\s/);
  return end > 0 ? line.slice(0, end + 1) : line;
}
