import { TaskState } from "@a2a-js/sdk";
import { z } from "zod";

/*
 * The shapes of A2A request parameters, as far as the SDK's handlers rely on them: ids are strings,
 * objects are objects, lists are lists of objects. The SDK coerces with `String(x)` and dereferences
 * parts without checking, so a number id, a `null` part or an object where a string belongs would
 * otherwise end as an internal error carrying a JavaScript message. Unknown keys pass (extensions).
 */

const text = z.string();
const object = z.record(z.string(), z.unknown());
/** An int32 as ProtoJSON writes it: a number, or its decimal string ("5"). */
const count = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,10}$/, "a non-negative integer")]);
const optional = <T extends z.ZodType>(schema: T) => schema.optional();

/** A part that holds exactly one of `contents` (a oneof in ProtoJSON). */
const oneOf = <T extends z.ZodType<Record<string, unknown>>>(schema: T, contents: string[]) =>
  schema.refine((p) => contents.filter((key) => p[key] !== undefined).length === 1, {
    message: `a part holds exactly one of ${contents.join(", ")}`,
  });

/** A 1.0 part (ProtoJSON). */
const part = oneOf(
  z.looseObject({
    text: optional(text),
    raw: optional(text),
    url: optional(text),
    data: optional(z.unknown()),
    filename: optional(text),
    mediaType: optional(text),
    metadata: optional(object),
  }),
  ["text", "raw", "url", "data"],
);

/** A 0.3 part of the HTTP+JSON binding (ProtoJSON of the 0.3 proto). */
const legacyProtoPart = oneOf(
  z.looseObject({ text: optional(text), file: optional(object), data: optional(object), metadata: optional(object) }),
  ["text", "file", "data"],
);

/** A 0.3 part of JSON-RPC: `kind` text, file or data, with that field. */
const legacyPart = z
  .looseObject({
    kind: z.enum(["text", "file", "data"]),
    text: optional(text),
    file: optional(object),
    data: optional(object),
    metadata: optional(object),
  })
  .refine((p) => p[p.kind] !== undefined, { message: "a part of kind text, file or data holds that field" });

const messageFields = {
  messageId: optional(text),
  contextId: optional(text),
  taskId: optional(text),
  metadata: optional(object),
  extensions: optional(z.array(text)),
  referenceTaskIds: optional(z.array(text)),
};
/** A message holds at least one part; its role is the spec's (ProtoJSON names an enum by name or number). */
const protoRole = optional(z.union([z.enum(["ROLE_USER", "ROLE_AGENT"]), z.literal(1), z.literal(2)]));
const message = z.looseObject({ ...messageFields, role: protoRole, parts: z.array(part).min(1) });
/** The 0.3 proto names a message's parts `content`. */
const legacyProtoMessage = z.looseObject({
  ...messageFields,
  role: protoRole,
  content: z.array(legacyProtoPart).min(1),
});
const legacyMessage = z.looseObject({
  ...messageFields,
  role: optional(z.enum(["user", "agent"])),
  kind: optional(text),
  parts: z.array(legacyPart).min(1),
});

const tenant = { tenant: optional(text) };
/** A 1.0 task state as ProtoJSON gives it: by name (TASK_STATE_WORKING) or number. */
const taskState = z.union([
  z.enum(Object.keys(TaskState).filter((name) => Number.isNaN(Number(name))) as [string, ...string[]]),
  z.number().int(),
]);
const pushConfig = z.looseObject({
  id: optional(text),
  url: text,
  token: optional(text),
  authentication: optional(object),
});
const sendConfiguration = z.looseObject({
  acceptedOutputModes: optional(z.array(text)),
  historyLength: optional(count),
  returnImmediately: optional(z.boolean()),
  blocking: optional(z.boolean()),
  taskPushNotificationConfig: optional(pushConfig),
  pushNotificationConfig: optional(pushConfig),
});
const send = (shape: typeof message | typeof legacyMessage | typeof legacyProtoMessage) =>
  z.looseObject({ ...tenant, message: shape, configuration: optional(sendConfiguration), metadata: optional(object) });
const taskId = z.looseObject({ ...tenant, id: text, historyLength: optional(count), metadata: optional(object) });

/** Each JSON-RPC method's params (1.0 names, then 0.3 names); a method not listed is the SDK's to refuse. */
export const PARAMS: Record<string, z.ZodType> = {
  SendMessage: send(message),
  SendStreamingMessage: send(message),
  GetTask: taskId,
  CancelTask: taskId,
  SubscribeToTask: taskId,
  ListTasks: z.looseObject({
    ...tenant,
    contextId: optional(text),
    status: optional(taskState),
    pageSize: optional(count),
    pageToken: optional(text),
    historyLength: optional(count),
    statusTimestampAfter: optional(text),
    includeArtifacts: optional(z.boolean()),
  }),
  CreateTaskPushNotificationConfig: pushConfig.extend({ ...tenant, taskId: text }),
  GetTaskPushNotificationConfig: z.looseObject({ ...tenant, taskId: text, id: text }),
  DeleteTaskPushNotificationConfig: z.looseObject({ ...tenant, taskId: text, id: text }),
  ListTaskPushNotificationConfigs: z.looseObject({ ...tenant, taskId: text, pageSize: optional(count) }),
  "message/send": send(legacyMessage),
  "message/stream": send(legacyMessage),
  "tasks/get": taskId,
  "tasks/cancel": taskId,
  "tasks/resubscribe": taskId,
  "tasks/pushNotificationConfig/set": z.looseObject({ taskId: text, pushNotificationConfig: pushConfig }),
  "tasks/pushNotificationConfig/get": z.looseObject({ id: text, pushNotificationConfigId: optional(text) }),
  "tasks/pushNotificationConfig/list": z.looseObject({ id: text }),
  "tasks/pushNotificationConfig/delete": z.looseObject({ id: text, pushNotificationConfigId: text }),
};

/** REST bodies: the 1.0 routes take the same shapes as the JSON-RPC methods, the 0.3 ones (`/v1/…`) theirs. */
export const REST_BODIES: Array<{ path: RegExp; legacy: z.ZodType; current: z.ZodType }> = [
  { path: /\/message:(send|stream)$/, legacy: send(legacyProtoMessage), current: send(message) },
  {
    path: /\/pushNotificationConfigs$/,
    legacy: z.looseObject({ pushNotificationConfig: pushConfig }),
    current: pushConfig,
  },
];

/** The first problem of `value` against `schema`, as one line naming the field, or undefined when it fits. */
export function paramsProblem(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  if (result.success) return undefined;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join(".");
  return field ? `${field}: ${issue.message}` : issue.message;
}
