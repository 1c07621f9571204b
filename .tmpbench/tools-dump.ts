import { createCliWorld } from "../test/tool/cli-harness.ts";
const world = await createCliWorld(["done"]);
try {
  await world.run(["say hi"]);
  const request = world.fake.requests[0]!;
  console.log(request.prompt.system);
  for (const t of request.body.tools) console.log(JSON.stringify(t.function));
} finally { await world.dispose(); }
