// Writes a tiny llama-architecture GGUF with random weights: a valid model file that llama.cpp loads and
// runs (its text is gibberish), so tests can prove loading and grammar-constrained output without
// downloading a model. Vocabulary: the SentencePiece specials, the 256 byte tokens and one token per
// printable ASCII character, so that any JSON can be spelt.
import { writeFileSync } from "node:fs";

const EMBED = 32;
const HEADS = 2;
const FEED_FORWARD = 64;
const ALIGNMENT = 32;

enum ValueType {
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  STRING = 8,
  ARRAY = 9,
}

type Value =
  | { type: ValueType.UINT32 | ValueType.INT32 | ValueType.FLOAT32; value: number }
  | { type: ValueType.STRING; value: string }
  | { type: ValueType.ARRAY; of: ValueType.STRING; value: string[] }
  | { type: ValueType.ARRAY; of: ValueType.FLOAT32 | ValueType.INT32; value: number[] };

class Writer {
  private chunks: Buffer[] = [];
  size = 0;

  raw(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.size += buffer.length;
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.raw(b);
  }
  i32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    this.raw(b);
  }
  f32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(n);
    this.raw(b);
  }
  u64(n: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.raw(b);
  }
  string(s: string): void {
    const bytes = Buffer.from(s, "utf8");
    this.u64(bytes.length);
    this.raw(bytes);
  }
  pad(): void {
    const rest = this.size % ALIGNMENT;
    if (rest) this.raw(Buffer.alloc(ALIGNMENT - rest));
  }
  value(v: Value): void {
    this.u32(v.type);
    if (v.type === ValueType.STRING) return this.string(v.value);
    if (v.type === ValueType.ARRAY) {
      this.u32(v.of);
      this.u64(v.value.length);
      for (const item of v.value) {
        if (v.of === ValueType.STRING) this.string(item as string);
        else if (v.of === ValueType.FLOAT32) this.f32(item as number);
        else this.i32(item as number);
      }
      return;
    }
    if (v.type === ValueType.FLOAT32) this.f32(v.value);
    else if (v.type === ValueType.INT32) this.i32(v.value);
    else this.u32(v.value);
  }
  buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function vocabulary(): { tokens: string[]; types: number[] } {
  const tokens = ["<unk>", "<s>", "</s>"];
  const types = [2, 3, 3];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(6);
  }
  tokens.push("\u2581"); // SentencePiece's space
  types.push(1);
  for (let code = 33; code < 127; code++) {
    tokens.push(String.fromCharCode(code));
    types.push(1);
  }
  return { tokens, types };
}

/** Writes the model to `path`; `seed` makes the weights reproducible. */
export function writeTinyGguf(path: string, seed = 1): void {
  const { tokens, types } = vocabulary();
  const vocab = tokens.length;
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31) * 0.2 - 0.1;
  };
  const tensors: Array<{ name: string; dims: number[]; fill: "random" | "ones" }> = [
    { name: "token_embd.weight", dims: [EMBED, vocab], fill: "random" },
    { name: "output_norm.weight", dims: [EMBED], fill: "ones" },
    { name: "output.weight", dims: [EMBED, vocab], fill: "random" },
    { name: "blk.0.attn_norm.weight", dims: [EMBED], fill: "ones" },
    { name: "blk.0.attn_q.weight", dims: [EMBED, EMBED], fill: "random" },
    { name: "blk.0.attn_k.weight", dims: [EMBED, EMBED], fill: "random" },
    { name: "blk.0.attn_v.weight", dims: [EMBED, EMBED], fill: "random" },
    { name: "blk.0.attn_output.weight", dims: [EMBED, EMBED], fill: "random" },
    { name: "blk.0.ffn_norm.weight", dims: [EMBED], fill: "ones" },
    { name: "blk.0.ffn_gate.weight", dims: [EMBED, FEED_FORWARD], fill: "random" },
    { name: "blk.0.ffn_down.weight", dims: [FEED_FORWARD, EMBED], fill: "random" },
    { name: "blk.0.ffn_up.weight", dims: [EMBED, FEED_FORWARD], fill: "random" },
  ];
  const u32 = (value: number): Value => ({ type: ValueType.UINT32, value });
  const metadata: Array<[string, Value]> = [
    ["general.architecture", { type: ValueType.STRING, value: "llama" }],
    ["general.name", { type: ValueType.STRING, value: "tiny-random" }],
    ["general.alignment", u32(ALIGNMENT)],
    ["llama.context_length", u32(2048)],
    ["llama.embedding_length", u32(EMBED)],
    ["llama.block_count", u32(1)],
    ["llama.feed_forward_length", u32(FEED_FORWARD)],
    ["llama.attention.head_count", u32(HEADS)],
    ["llama.attention.head_count_kv", u32(HEADS)],
    ["llama.rope.dimension_count", u32(EMBED / HEADS)],
    ["llama.attention.layer_norm_rms_epsilon", { type: ValueType.FLOAT32, value: 1e-5 }],
    ["tokenizer.ggml.model", { type: ValueType.STRING, value: "llama" }],
    ["tokenizer.ggml.tokens", { type: ValueType.ARRAY, of: ValueType.STRING, value: tokens }],
    ["tokenizer.ggml.scores", { type: ValueType.ARRAY, of: ValueType.FLOAT32, value: tokens.map(() => 0) }],
    ["tokenizer.ggml.token_type", { type: ValueType.ARRAY, of: ValueType.INT32, value: types }],
    ["tokenizer.ggml.unknown_token_id", u32(0)],
    ["tokenizer.ggml.bos_token_id", u32(1)],
    ["tokenizer.ggml.eos_token_id", u32(2)],
  ];
  const out = new Writer();
  out.raw(Buffer.from("GGUF"));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(metadata.length);
  for (const [key, value] of metadata) {
    out.string(key);
    out.value(value);
  }
  let offset = 0;
  const data: Buffer[] = [];
  for (const tensor of tensors) {
    out.string(tensor.name);
    out.u32(tensor.dims.length);
    for (const dim of tensor.dims) out.u64(dim);
    out.u32(0); // F32
    out.u64(offset);
    const count = tensor.dims.reduce((a, b) => a * b, 1);
    const values = Buffer.alloc(count * 4);
    for (let i = 0; i < count; i++) values.writeFloatLE(tensor.fill === "ones" ? 1 : random(), i * 4);
    const padded = Math.ceil(values.length / ALIGNMENT) * ALIGNMENT;
    data.push(values, Buffer.alloc(padded - values.length));
    offset += padded;
  }
  out.pad();
  for (const chunk of data) out.raw(chunk);
  writeFileSync(path, out.buffer());
}
