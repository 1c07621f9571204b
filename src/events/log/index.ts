export { openLog, AppendLog } from "./append-log.ts";
export { cutFiles, segmentFileName, segmentPath, listSegments } from "./segment-files.ts";
export type {
  FollowOptions,
  FsyncPolicy,
  LogEntry,
  LogLocation,
  LogOptions,
  LogPosition,
  LogStats,
  RawEntry,
} from "./types.ts";
export { LogBusyError, isLocked } from "./writer-lock.ts";
export { LogReader } from "./log-reader.ts";
export { sealLiveSegment } from "./seal-live-segment.ts";
export type { RetentionPolicy } from "./retention.ts";
export { readLastLineOf } from "./segment-reader.ts";
