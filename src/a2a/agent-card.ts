import { A2A_PROTOCOL_VERSION, type AgentCard, type AgentSkill } from "@a2a-js/sdk";
import { duplicateInterfacesForLegacy } from "@a2a-js/sdk/compat/v0_3";
import { IMAGE_TYPES } from "./prompt-input.ts";

export interface CardEndpoints {
  /** Base URL of the HTTP port, e.g. `http://127.0.0.1:4096`. */
  httpUrl: string;
  /** `host:port` of the gRPC port. */
  grpcAddress: string;
}

/** The bindings serve speaks, in the card's default order (the first is the preferred one). */
export const BINDINGS = ["JSONRPC", "HTTP+JSON", "GRPC"] as const;
export type Binding = (typeof BINDINGS)[number];

/** Where each binding lives on the HTTP port (the seed's peer URLs end in `/a2a`). */
export const JSONRPC_PATH = "/a2a";
export const REST_PATH = "/a2a/rest";
export const BEARER_SCHEME = "bearer";

const MODES = ["text/plain", "application/json"];

function skill(id: string, name: string, description: string, tags: string[], examples: string[]): AgentSkill {
  return { id, name, description, tags, examples, inputModes: MODES, outputModes: MODES, securityRequirements: [] };
}

const SKILLS: AgentSkill[] = [
  skill(
    "code-generation",
    "Code Generation",
    "Writes and edits code in the served workspace: new features, refactors, tests.",
    ["code", "generation", "edit"],
    ["Add a --verbose flag to src/cli.ts", "Write unit tests for the parser"],
  ),
  skill(
    "code-review",
    "Code Review",
    "Reviews code and diffs for bugs, risks and style, with concrete suggestions.",
    ["code", "review"],
    ["Review the changes in src/server/"],
  ),
  skill(
    "debugging",
    "Debugging",
    "Finds and fixes the cause of failing tests, crashes and wrong behaviour.",
    ["debugging", "fix"],
    ["npm test fails in test/api.test.ts; fix it"],
  ),
];

/**
 * The gRPC interface's URL. gRPC clients (grpc-js under both SDK generations, and the other languages'
 * gRPC libraries) take a target, not a URL: they refuse `http://` and `grpc://`. `dns:///host:port` is
 * the gRPC name syntax every one of them accepts, and unlike a bare `host:port` a URL parser reads its
 * scheme right instead of taking the host for one.
 */
function grpcUrl(address: string): string {
  return `dns:///${address}`;
}

/**
 * The public agent card: every interface with its exact URL (the preferred binding first, then the
 * others in BINDINGS order), each also advertised for spec 0.3, push and streaming on, the extended card
 * (tool list, bearer only), and the bearer scheme the server enforces.
 */
export function buildAgentCard(endpoints: CardEndpoints, version: string, preferred: Binding = "JSONRPC"): AgentCard {
  const base = endpoints.httpUrl.replace(/\/+$/, "");
  const urls: Record<Binding, string> = {
    JSONRPC: `${base}${JSONRPC_PATH}`,
    "HTTP+JSON": `${base}${REST_PATH}`,
    GRPC: grpcUrl(endpoints.grpcAddress),
  };
  const order = [preferred, ...BINDINGS.filter((binding) => binding !== preferred)];
  const interfaces = order.map((binding) => ({
    url: urls[binding],
    protocolBinding: binding,
    tenant: "",
    protocolVersion: A2A_PROTOCOL_VERSION,
  }));
  return {
    name: "CodeTether Agent",
    description: "A2A-native AI coding agent",
    supportedInterfaces: duplicateInterfacesForLegacy(interfaces, order),
    provider: { organization: "CodeTether", url: "https://codetether.run" },
    version,
    capabilities: { streaming: true, pushNotifications: true, extensions: [], extendedAgentCard: true },
    securitySchemes: {
      [BEARER_SCHEME]: {
        scheme: {
          $case: "httpAuthSecurityScheme",
          value: {
            scheme: "Bearer",
            bearerFormat: "opaque",
            description: "The token of `codetether serve` (CODETETHER_AUTH_TOKEN or <data dir>/auth-token).",
          },
        },
      },
    },
    securityRequirements: [{ schemes: { [BEARER_SCHEME]: { list: [] } } }],
    defaultInputModes: [...MODES, ...IMAGE_TYPES],
    defaultOutputModes: MODES,
    skills: SKILLS,
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
  const toolSkills = tools.map((t) =>
    skill(`tool.${t.name}`, t.name, firstSentence(t.description), ["tool", t.kind], []),
  );
  return { ...card, skills: [...card.skills, ...toolSkills] };
}

function firstSentence(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  const end = line.search(/\.\s/);
  return end > 0 ? line.slice(0, end + 1) : line;
}
