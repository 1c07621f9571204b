// Child process of writer-slots.test.ts: takes a free writer slot of the event stream under argv[2],
// prints its directory, and holds it until its stdin closes.
import { openEventStream } from "../../src/events/stream.ts";
import { openFreeSlot } from "../../src/events/writer-slots.ts";

const stream = await openFreeSlot(process.argv[2]!, (dir) => openEventStream(dir).then((s) => ({ s, dir })));
process.stdout.write(`${stream.dir}\n`);
process.stdin.resume().on("end", () => void stream.s.close().then(() => process.exit(0)));
