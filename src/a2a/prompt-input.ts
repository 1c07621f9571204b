import type { Message } from "@a2a-js/sdk";
import type { UserContent } from "ai";

/**
 * What the model receives for an A2A message: text parts as text, data parts as JSON, file URLs as
 * references, inline images as images and inline text files as text.
 */
export function promptOf(message: Message): string | UserContent {
  const content: Exclude<UserContent, string> = [];
  for (const part of message.parts) {
    const c = part.content;
    if (!c) continue;
    if (c.$case === "text") content.push({ type: "text", text: c.value });
    else if (c.$case === "data")
      content.push({ type: "text", text: `\`\`\`json\n${JSON.stringify(c.value, null, 2)}\n\`\`\`` });
    else if (c.$case === "url")
      content.push({ type: "text", text: `Attached file${part.filename ? ` ${part.filename}` : ""}: ${c.value}` });
    else if (part.mediaType.startsWith("image/"))
      content.push({ type: "image", image: c.value, mediaType: part.mediaType });
    else
      content.push({
        type: "text",
        text: `File ${part.filename || "(unnamed)"}:\n${Buffer.from(c.value).toString("utf8")}`,
      });
  }
  const onlyText = content.every((p) => p.type === "text");
  return onlyText ? content.map((p) => (p.type === "text" ? p.text : "")).join("\n\n") : content;
}
