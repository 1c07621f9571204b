import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { lineTokens, planChunks } from "../../src/rlm/chunker.ts";
import { boundaryStrength, detectContentType } from "../../src/rlm/content-type.ts";
import { Corpus } from "../../src/rlm/corpus.ts";
import {
  generatedCode,
  generatedConversation,
  generatedDocument,
  generatedLogs,
} from "../support/generated-content.ts";

const dir = mkdtempSync(join(tmpdir(), "rlm-content-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function corpusOf(name: string, text: string): Corpus {
  const path = join(dir, name);
  writeFileSync(path, text);
  return Corpus.open([{ name, path }]);
}

const kinds = {
  code: generatedCode(200),
  logs: generatedLogs(2000),
  conversation: generatedConversation(300),
  documents: generatedDocument(100),
};

for (const [kind, text] of Object.entries(kinds)) {
  test(`generated ${kind} is detected as ${kind}, from its head and tail`, () => {
    const corpus = corpusOf(`${kind}.txt`, text);
    assert.equal(detectContentType(corpus), kind);
    corpus.close();
  });

  test(`chunks of generated ${kind} stay under the budget and start on its natural boundaries`, () => {
    const corpus = corpusOf(`${kind}-chunks.txt`, text);
    const chunks = planChunks(corpus, kind as keyof typeof kinds, 400);
    assert.ok(chunks.length > 3, `${chunks.length} chunks`);
    let next = 0;
    for (const chunk of chunks) {
      assert.equal(chunk.start, next, "chunks are contiguous");
      next = chunk.end;
      const tokens = corpus.lines(chunk.start, chunk.end).reduce((n, line) => n + lineTokens(line), 0);
      assert.equal(tokens, chunk.tokens);
      assert.ok(chunk.tokens <= 400, `${chunk.tokens} tokens`);
    }
    assert.equal(next, corpus.lineCount, "every line is in a chunk");
    // Every chunk but the first starts on a boundary of the kind (a symbol, entry, turn or section).
    for (const chunk of chunks.slice(1)) {
      const [first] = corpus.lines(chunk.start, chunk.start + 1);
      assert.equal(boundaryStrength(kind as keyof typeof kinds, first!), 2, `chunk at ${chunk.start}: ${first}`);
    }
    corpus.close();
  });
}

test("text with no dominant kind is mixed", () => {
  const corpus = corpusOf("mixed.txt", ["x=1", "hello", "42", "foo bar", "===="].join("\n").repeat(1));
  assert.equal(detectContentType(corpus), "mixed");
  corpus.close();
});

test("several files read as one numbered sequence with a header line per file; CRLF and a missing final newline", () => {
  writeFileSync(join(dir, "a.txt"), "a0\r\na1\r\n");
  writeFileSync(join(dir, "b.txt"), "b0\nb1");
  const corpus = Corpus.open([
    { name: "a.txt", path: join(dir, "a.txt") },
    { name: "b.txt", path: join(dir, "b.txt") },
  ]);
  assert.equal(corpus.lineCount, 6);
  assert.deepEqual(corpus.lines(0, 6), ["=== a.txt ===", "a0", "a1", "=== b.txt ===", "b0", "b1"]);
  assert.deepEqual(corpus.lines(2, 5), ["a1", "=== b.txt ===", "b0"]);
  const seen: number[] = [];
  corpus.scan((_line, n) => void seen.push(n), 1, 5);
  assert.deepEqual(seen, [1, 2, 3, 4]);
  corpus.close();
});
