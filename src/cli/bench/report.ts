// The results of `codetether bench`: a table beside the seed's claims, or one JSON object (`--json`).
import { arch, cpus, platform } from "node:os";
import type { Benchmark, Figure } from "./benchmark.ts";
import { spread, type Spread } from "./measure.ts";
import type { Style } from "../output.ts";
import { SERVER_NODE_FLAGS } from "../serve/node-flags.ts";

export interface BenchResult {
  benchmark: Benchmark;
  figures: Figure[];
}

const machine = () => `Node ${process.version}, ${platform()} ${arch()}, ${cpus().length} CPUs`;

/** 3 significant-ish digits: 0.42, 4.21, 42.1, 421. */
function number(value: number, unit: Figure["unit"]): string {
  if (unit === "req/s" || value >= 100) return value.toFixed(0);
  return value.toFixed(value >= 10 ? 1 : 2);
}

export function formatTable(
  results: BenchResult[],
  runs: number,
  paint: (style: Style, text: string) => string,
): string {
  const rows = results.flatMap(({ benchmark, figures }) =>
    figures.map((figure, i) => {
      const { median, min, max } = spread(figure.samples);
      return [
        i === 0 ? benchmark.name : "",
        figure.label,
        `${number(median, figure.unit)} ${figure.unit}`,
        `${number(min, figure.unit)}–${number(max, figure.unit)}`,
        figure.seed ?? "—",
      ];
    }),
  );
  const header = ["", "", "median", "min–max", "seed (Rust) claims"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 2 || c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd();
  return [
    paint("bold", `codetether bench: median of ${runs} run${runs === 1 ? "" : "s"} (min–max); ${machine()}`),
    paint(
      "dim",
      `the model is the scripted model on loopback: no network, no key; serve runs as the image runs it (node ${SERVER_NODE_FLAGS.join(" ")})`,
    ),
    "",
    paint("dim", line(header)),
    ...rows.map((row) => line(row)),
    "",
  ].join("\n");
}

const round = (value: number) => Math.round(value * 100) / 100;
const roundAll = ({ median, min, max }: Spread): Spread => ({
  median: round(median),
  min: round(min),
  max: round(max),
});

export function toJson(results: BenchResult[], runs: number): unknown {
  return {
    runs,
    node: process.version,
    platform: platform(),
    arch: arch(),
    cpus: cpus().length,
    benchmarks: Object.fromEntries(
      results.map(({ benchmark, figures }) => [
        benchmark.name,
        Object.fromEntries(
          figures.map((figure) => [
            figure.key,
            {
              label: figure.label,
              unit: figure.unit,
              ...roundAll(spread(figure.samples)),
              samples: figure.samples.map(round),
              seed: figure.seed ?? null,
            },
          ]),
        ),
      ]),
    ),
  };
}
