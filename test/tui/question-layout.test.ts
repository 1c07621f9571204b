import assert from "node:assert/strict";
import { test } from "node:test";
import { layoutQuestion } from "../../src/tui/components/question-prompt.tsx";

test("a question prompt never takes more rows than it is given, wide characters wrap by columns", () => {
  const plan = Array.from({ length: 40 }, (_, i) => `${i + 1}. step`).join("\n");
  const long = layoutQuestion({ question: `Approve this plan?\n\n${plan}`, options: ["yes", "no"] }, 40, 12, 0);
  assert.equal(long.rows, 12);
  assert.match(long.lines.at(-1)!, /^… \d+ more lines$/);

  const options = Array.from({ length: 15 }, (_, i) => `option ${i + 1}`);
  const many = layoutQuestion({ question: "Which one?", options }, 40, 10, 9);
  assert.ok(many.rows <= 10);
  assert.ok(
    many.options.some((o) => o.index === 9),
    "the selected option is in the window",
  );
  assert.equal(many.hiddenOptions, 15 - many.options.length);

  const cjk = layoutQuestion({ question: "这是一个很长的问题".repeat(8) }, 24, 20, 0);
  for (const line of cjk.lines)
    assert.ok([...line].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0) <= 20, line);
});
