import { config as configureZod } from "zod";

// One run parses each schema only a few times: zod's JIT would spend more compiling than it saves
// (~8 ms for the config schema alone). A schema reads the setting when it is built, so this module is
// run-action's first import: it runs before any module defining a schema is evaluated.
// (Long-lived front ends — serve, worker, TUI — parse the same schemas thousands of times and keep it.)
configureZod({ jitless: true });
