import type { StreamResponse, Task, TaskStatus } from "@a2a-js/sdk";

/**
 * For a follower that replays a task's events from its first one after showing the stored task (the
 * snapshot): which replayed events the snapshot already holds. The owner stores its events in the order it
 * publishes them, each status as is, so the snapshot's status marks its position in the stream: everything
 * up to the event carrying that status is in the snapshot, everything after it is news. When that event is
 * not in the stream (aged out, or the status was stored without one, e.g. by a lease sweep), the first
 * status newer than the snapshot's marks where news begin.
 */
export function newsAfter(snapshot: Task | undefined): (response: StreamResponse) => boolean {
  const position = snapshot?.status;
  if (!position?.timestamp) return () => true;
  let passed = false;
  return (response) => {
    if (passed) return true;
    const status = statusOf(response);
    // An event without a status or a time cannot be placed: until one can, it is taken as already stored.
    if (!status?.timestamp) return false;
    if (status.timestamp > position.timestamp!) return (passed = true);
    if (status.timestamp === position.timestamp && status.state === position.state) passed = true;
    return false;
  };
}

function statusOf(response: StreamResponse): TaskStatus | undefined {
  const payload = response.payload;
  if (payload?.$case === "statusUpdate") return payload.value.status;
  if (payload?.$case === "task") return payload.value.status;
  return undefined;
}
