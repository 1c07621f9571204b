// Prompts and tool descriptions are imported as strings (esbuild text loader; test/support/text-hooks.mjs under tsx).
declare module "*.txt" {
  const text: string;
  export default text;
}
declare module "*.md" {
  const text: string;
  export default text;
}
