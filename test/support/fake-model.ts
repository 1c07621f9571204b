// The test suite's name for the scripted model server (src/scripted-model), which the product ships for
// `npm run demo` and `codetether bench`.
export { EXHAUSTED_TEXT, startScriptedModel as startFakeModel } from "../../src/scripted-model/server.ts";
export type {
  FormatName,
  MatchSpec,
  RecordedRequest,
  ScriptItem,
  ScriptedModel as FakeModel,
  Turn,
  TurnOptions,
} from "../../src/scripted-model/server.ts";
