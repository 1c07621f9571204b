import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import type { V1Pod } from "@kubernetes/client-node";
import { podHealth } from "../../src/k8s/pod-health.ts";

const NOW = Date.parse("2026-01-01T12:00:00Z");
const pod = (status: V1Pod["status"], metadata: V1Pod["metadata"] = {}): V1Pod => ({
  metadata: { name: "serve-abc-1", ...metadata },
  status,
});
const running = (ready: boolean, startedSecsAgo: number, waiting?: string): V1Pod["status"] => ({
  phase: "Running",
  startTime: new Date(NOW - startedSecsAgo * 1000),
  conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
  containerStatuses: [
    {
      name: "serve",
      image: "codetether",
      imageID: "",
      ready,
      restartCount: 4,
      state: waiting ? { waiting: { reason: waiting } } : { running: {} },
    },
  ],
});

describe("podHealth", () => {
  it("a ready running pod is healthy, with its restarts counted", () => {
    assert.deepEqual(podHealth(pod(running(true, 999)), 120, NOW), {
      name: "serve-abc-1",
      phase: "Running",
      ready: true,
      restarts: 4,
      healthy: true,
    });
  });

  it("failed or lost pods, crash loops, and pods unready past the grace period are unhealthy", () => {
    assert.equal(podHealth(pod({ phase: "Failed" }), 120, NOW).reason, "phase Failed");
    assert.equal(podHealth(pod({ phase: "Unknown" }), 120, NOW).reason, "phase Unknown");
    assert.equal(
      podHealth(pod(running(false, 10, "CrashLoopBackOff")), 120, NOW).reason,
      "container serve: CrashLoopBackOff",
    );
    assert.equal(podHealth(pod(running(false, 300)), 120, NOW).reason, "not ready after 300s");
  });

  it("leaves alone what is still starting, a missing image, and pods being deleted", () => {
    assert.equal(podHealth(pod(running(false, 30)), 120, NOW).healthy, true);
    assert.equal(podHealth(pod({ phase: "Pending" }), 120, NOW).healthy, true);
    assert.equal(podHealth(pod(running(false, 10, "ImagePullBackOff")), 120, NOW).healthy, true);
    assert.equal(podHealth(pod({ phase: "Failed" }, { deletionTimestamp: new Date(NOW) }), 120, NOW).healthy, true);
  });
});
