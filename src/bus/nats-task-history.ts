import {
  consumerOpts,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  nanos,
  type JetStreamManager,
  type JetStreamSubscription,
  type NatsConnection,
  type StreamConfig,
} from "nats";
import { BusError } from "./errors.ts";
import { decodeEnvelope } from "./nats-codec.ts";
import { QueuedSubscription, type Subscription } from "./subscription.ts";
import type { TaskHistory, TaskHistoryStart } from "./task-history.ts";
import { topics } from "./topics.ts";

/**
 * A task's events matter while someone may still follow it: an hour covers a client reconnecting to a
 * long task, and the byte cap bounds the stream whatever the traffic (the oldest messages go first).
 */
export const TASK_HISTORY_MAX_AGE_MS = 60 * 60 * 1000;
export const TASK_HISTORY_MAX_BYTES = 256 * 1024 * 1024;

/** One stream per subject prefix, so deployments (and test runs) sharing a server keep their own. */
export function taskStreamName(subjectPrefix: string | undefined): string {
  return subjectPrefix ? `codetether_tasks_${subjectPrefix.replaceAll(".", "_")}` : "codetether_tasks";
}

/**
 * Creates (or brings to these limits) the stream capturing `{prefix}task.*`; every replica does it at start,
 * so whoever starts first creates it. Fails when the server runs without JetStream.
 */
export async function openNatsTaskHistory(connection: NatsConnection, subjectPrefix: string): Promise<TaskHistory> {
  const name = taskStreamName(subjectPrefix.replace(/\.$/, ""));
  const config: Partial<StreamConfig> & { name: string } = {
    name,
    subjects: [`${subjectPrefix}task.*`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(TASK_HISTORY_MAX_AGE_MS),
    max_bytes: TASK_HISTORY_MAX_BYTES,
  };
  let manager: JetStreamManager;
  try {
    manager = await connection.jetstreamManager();
    await manager.streams.add(config).catch(async (error: Error) => {
      // It exists already, made by another replica or an earlier version with other limits.
      if (!/already in use/i.test(error.message)) throw error;
      await manager.streams.update(name, config);
    });
  } catch (error) {
    // nats.js says only "503" when the server runs without JetStream.
    const why = (error as { code?: string }).code === "503" ? "JetStream is not enabled" : (error as Error).message;
    throw new BusError(`cannot keep task events in JetStream stream '${name}': ${why}`, { cause: error });
  }
  return {
    stream: name,
    follow: (taskId, start) => follow(connection, manager, name, subjectPrefix + topics.task(taskId), start),
  };
}

/**
 * An ordered push consumer (servers before 2.10 lack the pull kind): it recreates itself from the last
 * sequence it saw after a gap or a reconnect, so the follower gets every kept message in order, each once.
 */
async function follow(
  connection: NatsConnection,
  manager: JetStreamManager,
  stream: string,
  subject: string,
  start: TaskHistoryStart,
): Promise<Subscription> {
  const options = consumerOpts().orderedConsumer();
  // "next" is fixed now, not when the server creates the consumer, so nothing published meanwhile is missed.
  if (start === "first") options.deliverAll();
  else options.startSequence((await manager.streams.info(stream)).state.last_seq + 1);
  let consumer: JetStreamSubscription | undefined;
  const subscription = new QueuedSubscription(subject, {}, () => {
    if (!connection.isClosed()) consumer?.unsubscribe();
  });
  options.callback((error, msg) => {
    if (error) return process.emitWarning(`task history of '${subject}' failed: ${error.message}`);
    // Not the message's reply subject: on JetStream that is the acknowledgement's, no requester's inbox.
    const envelope = msg && decodeEnvelope({ data: msg.data, subject: msg.subject });
    if (envelope) subscription.deliver(envelope);
  });
  consumer = await connection.jetstream().subscribe(subject, options);
  void consumer.closed.then(() => subscription.close());
  return subscription;
}
