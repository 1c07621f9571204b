import type { Config } from "../../config/schema.ts";
import { toolEnvironment } from "../../sandbox/runner.ts";
import { readClipboardImage } from "./clipboard-image.ts";
import { pastedImagePaths } from "./image-paths.ts";
import type { KeyPress } from "./keys.ts";
import { attachImage, attachImageFiles } from "./prompt-images.ts";
import type { PromptState } from "./prompt-keys.ts";

export interface ImagePasteOptions {
  config: Config;
  workspace: string;
  promptRef: { readonly current: PromptState };
  setPrompt(prompt: PromptState): void;
  /** Shows the one line saying why an image was not attached. */
  setFlash(text: string): void;
}

/**
 * Image keys of the prompt: a pasted or dropped image path attaches the image, and Ctrl+V the clipboard's.
 * The returned handler says whether it took the key.
 */
export function useImagePaste({ config, workspace, promptRef, setPrompt, setFlash }: ImagePasteOptions) {
  /** An image attached (or the one line saying why not). */
  const attached = (next: PromptState | { error: string }) => {
    if ("error" in next) return setFlash(next.error);
    setPrompt(next);
  };

  // Ctrl+V: the clipboard's image, read by the desktop's clipboard tool in a secret-free environment.
  const pasteClipboardImage = async () => {
    const read = await readClipboardImage(toolEnvironment(config, "clipboard", process.env, []));
    if ("error" in read) return setFlash(read.error);
    const name = `clipboard-${promptRef.current.images.length + 1}.png`;
    attached(attachImage(promptRef.current, read.data, name));
  };

  return (key: KeyPress): boolean => {
    // A pasted or dropped image path (one chunk, with or without bracketed paste) attaches the image.
    if (key.name === "paste" || (key.name === "text" && key.text.length > 1)) {
      const paths = pastedImagePaths(key.text, workspace);
      if (paths) {
        attached(attachImageFiles(promptRef.current, paths));
        return true;
      }
    }
    if (key.ctrl && key.name === "v") {
      void pasteClipboardImage();
      return true;
    }
    return false;
  };
}
