import { test } from "node:test";
import assert from "node:assert/strict";
import { configSchema } from "../../src/config/schema.ts";
import { modelItems } from "../../src/tui/views/picker-items.ts";

test("the model picker shows a custom provider's base_url without its password or query key", () => {
  const config = configSchema.parse({
    providers: {
      local: { type: "openai-compatible", base_url: "https://me:hunter2@llm.example/v1?api_key=sk-123", model: "m" },
    },
  });
  const item = modelItems(config, {}, new Map()).find((i) => i.value === "local/m")!;
  assert.equal(item.hint, "custom · https://llm.example/v1");
});
