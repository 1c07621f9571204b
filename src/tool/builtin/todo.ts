import { z } from "zod";
import { defineTool } from "../../contracts/tool.ts";
import { formatTodos, readTodos, TODO_PRIORITIES, TODO_STATUSES, writeTodos } from "./todo-store.ts";
import readDescription from "./todo-read.txt";
import writeDescription from "./todo-write.txt";

export const todoReadTool = defineTool({
  name: "todo_read",
  description: readDescription,
  kind: "other",
  parameters: z.object({}),
  async execute(_args, ctx) {
    return { output: formatTodos(readTodos(ctx)), title: "todos" };
  },
});

export const todoWriteTool = defineTool({
  name: "todo_write",
  description: writeDescription,
  kind: "other",
  parameters: z.object({
    todos: z.array(
      z.object({
        content: z.string().min(1),
        status: z.enum(TODO_STATUSES),
        priority: z.enum(TODO_PRIORITIES).optional(),
      }),
    ),
  }),
  async execute({ todos }, ctx) {
    writeTodos(ctx, todos);
    return { output: formatTodos(todos), title: `${todos.length} todos`, metadata: { todos } };
  },
});
