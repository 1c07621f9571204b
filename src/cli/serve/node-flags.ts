/**
 * The node flags serve runs under in the image (the Dockerfile's ENTRYPOINT; compose and the K8s manifests use it)
 * and in the benchmarks. `--v8-pool-size=0` sizes V8's helper threads to the machine (its parallelism minus one)
 * instead of Node's fixed 4: on a 2-core machine, a garbage collection's 4 helpers outnumber the cores serve shares
 * with its model and clients, and while they wait for a core the collection, and every request behind it, waits
 * too (bench/serve-streams.ts at 500 streams, first status p99: 57–64 ms with 4 helpers, 28–55 ms with 1, in 8 runs
 * interleaved; blocking CPU per task: the same within 1%).
 */
export const SERVER_NODE_FLAGS = ["--v8-pool-size=0"];
