import { indexSpec, LogIndex, openIndexedLog, readPage, type IndexedLogOptions, type RecordPage } from "./log-index.ts";
import { type AppendLog, type FollowOptions, type LogEntry, type LogLocation } from "./log/index.ts";
import { redactStrings } from "../util/redact.ts";

/** One event of the stream. The correlation ids are null where the event has no such context. */
export interface StreamEvent<D = unknown> {
  session_id: string | null;
  okr_id: string | null;
  okr_run_id: string | null;
  relay_id: string | null;
  type: string;
  ts: string;
  data: D;
  /** The serve replica that wrote it (its lease id), only when replicas share a database. */
  replica_id?: string;
}

export type NewStreamEvent<D = unknown> = Pick<StreamEvent<D>, "type"> &
  Partial<Pick<StreamEvent<D>, "session_id" | "okr_id" | "okr_run_id" | "relay_id" | "ts" | "data">>;

export interface StreamFilter {
  session_id?: string;
  okr_id?: string;
  okr_run_id?: string;
  relay_id?: string;
  type?: string;
  from?: string | Date;
  to?: string | Date;
}

export interface PageRequest {
  limit?: number;
  cursor?: string;
}

const DEFAULT_PAGE = 100;

/** What the sidecar index of an event stream keeps of each event. */
export const EVENT_INDEX = indexSpec<StreamEvent>(["session_id", "okr_id", "okr_run_id", "relay_id", "type"]);

/** `replicaId`: stamped on every event this writer appends (see StreamEvent.replica_id). */
export interface EventStreamOptions extends IndexedLogOptions {
  replicaId?: string;
}

/** Opens the event stream stored in `dir`: JSONL segments plus `index.sqlite` beside them. */
export async function openEventStream(
  dir: string,
  { replicaId, ...options }: EventStreamOptions = {},
): Promise<EventStream> {
  return openIndexedLog<StreamEvent, EventStream>(
    dir,
    EVENT_INDEX,
    options,
    (log, index) => new EventStream(log, index, replicaId),
  );
}

export class EventStream {
  constructor(
    private readonly log: AppendLog<StreamEvent>,
    private readonly index: LogIndex<StreamEvent>,
    private readonly replicaId?: string,
  ) {}

  /** Resolves once the event is durable, with where it was written; secrets in its data are redacted. */
  async append<D>(input: NewStreamEvent<D>): Promise<LogEntry<StreamEvent<D>>> {
    const event: StreamEvent<D> = {
      session_id: input.session_id ?? null,
      okr_id: input.okr_id ?? null,
      okr_run_id: input.okr_run_id ?? null,
      relay_id: input.relay_id ?? null,
      type: input.type,
      ts: input.ts ?? new Date().toISOString(),
      data: redactStrings(input.data) as D,
      ...(this.replicaId === undefined ? {} : { replica_id: this.replicaId }),
    };
    if (Number.isNaN(Date.parse(event.ts))) throw new TypeError(`event ts is not a date: ${event.ts}`);
    const location = await this.log.append(event);
    this.index.add(location, event);
    return { ...location, record: event };
  }

  read(location: LogLocation): Promise<StreamEvent> {
    return this.log.read(location);
  }

  /** Matching events oldest first, by index lookup; page on with the returned `nextCursor`. */
  query(filter: StreamFilter, page: PageRequest = {}): Promise<RecordPage<StreamEvent>> {
    const { from, to, ...equals } = filter;
    return readPage(
      this.log,
      this.index.find({ equals, from, to, cursor: page.cursor, limit: page.limit ?? DEFAULT_PAGE, order: "asc" }),
    );
  }

  /** One session's events in order, without scanning the rest of the stream. */
  session(sessionId: string, page: PageRequest = {}): Promise<RecordPage<StreamEvent>> {
    return this.query({ session_id: sessionId }, page);
  }

  commitNow(): void {
    this.log.commitNow();
  }

  /** Indexes what was appended so far now (see LogIndex.writeQueued). */
  indexNow(): void {
    this.index.writeQueued();
  }

  follow(options?: FollowOptions): AsyncGenerator<LogEntry<StreamEvent>> {
    return this.log.follow(options);
  }

  async close(): Promise<void> {
    await this.log.close();
    this.index.close();
  }
}
