import { Box, useApp, useStdout } from "ink";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import type { Layout } from "./chat/entry-view.tsx";
import { runSlashCommand, type CommandContext, type Overlay } from "./commands/run-command.ts";
import { parseSlash } from "./commands/slash-commands.ts";
import { APPROVAL_CHOICES, ApprovalPrompt } from "./components/approval-prompt.tsx";
import { diffRows } from "./chat/diff-view.tsx";
import { layoutQuestion, QuestionPrompt } from "./components/question-prompt.tsx";
import { Header } from "./components/header.tsx";
import { InputBox } from "./components/input-box.tsx";
import { QueuedPrompts } from "./components/queued-prompts.tsx";
import { handlePickerKey, NEW_PICKER, Picker, type PickerItem, type PickerState } from "./components/picker.tsx";
import { ScrollbackView } from "./components/scrollback-view.tsx";
import { StatusLine } from "./components/status-line.tsx";
import { useRefState } from "./components/use-ref-state.ts";
import { useTerminalSize } from "./components/use-terminal-size.ts";
import { editorOf, tokenAtCursor } from "./input/editor.ts";
import { HistoryCursor, type PromptHistory } from "./input/history.ts";
import type { KeyPress } from "./input/keys.ts";
import type { FileIndex } from "./input/mentions.ts";
import {
  EMPTY_PROMPT,
  handlePromptKey,
  type Completion,
  type PromptImage,
  type PromptState,
} from "./input/prompt-keys.ts";
import { useKeys } from "./input/use-keys.ts";
import { useImagePaste } from "./input/use-image-paste.ts";
import { attachTypedImages, imagesShown } from "./input/prompt-images.ts";
import { useResizeRedraw } from "./use-resize-redraw.ts";
import { slashCompletions } from "./input/slash-completions.ts";
import { gitBranch } from "./session/git-branch.ts";
import type { TuiSession } from "./session/tui-session.ts";
import { ThemeProvider } from "./theme/theme-context.tsx";
import type { ThemeStore } from "./theme/theme-store.ts";
import { HelpPanel } from "./views/help-panel.tsx";
import { handleInspectorKey, NEW_INSPECTOR, type InspectorState } from "./views/inspector-view.tsx";
import { modelItems, sessionItems } from "./views/picker-items.ts";
import { handleSwarmKey, NEW_SWARM_VIEW, type SwarmViewState } from "./views/swarm-view.tsx";
import { MainView } from "./views/main-view.tsx";
import { nextView, type ViewId } from "./views/view-ids.ts";

export interface AppProps {
  session: TuiSession;
  themes: ThemeStore;
  history: PromptHistory;
  files: FileIndex;
  initialLayout?: Layout;
}

const CLEAR_SCREEN = "\x1b[2J\x1b[3J\x1b[H";
const QUIT_WINDOW_MS = 2000;

/** The whole TUI: printed transcript, live turn, main view, prompt or overlay, status line. */
export function App({ session, themes, history, files, initialLayout = "webview" }: AppProps) {
  const snapshot = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const theme = useSyncExternalStore(themes.subscribe, themes.getSnapshot);
  const { exit } = useApp();
  const { write } = useStdout();
  const { columns, rows } = useTerminalSize();
  const [layout, setLayout] = useState<Layout>(initialLayout);
  const [view, setView] = useState<ViewId>("chat");
  const [overlay, setOverlay] = useState<Overlay>("none");
  const [picker, setPicker, pickerRef] = useRefState<PickerState>(NEW_PICKER);
  const [inspector, setInspector] = useState<InspectorState>(NEW_INSPECTOR);
  const [swarmView, setSwarmView] = useState<SwarmViewState>(NEW_SWARM_VIEW);
  const [prompt, setPrompt, promptRef] = useRefState<PromptState>(EMPTY_PROMPT);
  const [approvalChoice, setApprovalChoice] = useState(0);
  const [rejectReason, setRejectReason, reasonRef] = useRefState<string | undefined>(undefined);
  const [answer, setAnswer, answerRef] = useRefState("");
  const [answerChoice, setAnswerChoice] = useState(0);
  const [scroll, setScroll] = useState(0);
  const [flash, setFlash] = useState<string | undefined>(undefined);
  const quitArmedAt = useRef(0);
  const historyCursor = useMemo(() => new HistoryCursor(() => history.list()), [history]);
  const branch = useMemo(() => gitBranch(session.workspace), [session.workspace, snapshot.busy]);

  useEffect(() => {
    session.clearScreen = () => write(CLEAR_SCREEN);
  }, [session, write]);

  // A new theme or layout redraws the conversation so everything on screen matches it.
  const drawn = useRef({ theme, layout });
  useEffect(() => {
    if (drawn.current.theme === theme && drawn.current.layout === layout) return;
    const themeChanged = drawn.current.theme.name !== theme.name;
    drawn.current = { theme, layout };
    session.reprint();
    session.info(themeChanged ? `theme: ${theme.name}` : `layout: ${layout}`);
  }, [theme, layout, session]);

  useResizeRedraw(columns, session);

  useEffect(() => {
    if (!flash) return;
    const timer = setTimeout(() => setFlash(undefined), QUIT_WINDOW_MS);
    return () => clearTimeout(timer);
  }, [flash]);

  useEffect(() => {
    if (!snapshot.approval) {
      setApprovalChoice(0);
      setRejectReason(undefined);
    }
  }, [snapshot.approval]);

  // Completions follow the token at the cursor: `@path` anywhere (found in the background) here, a
  // `/command` at the start of the prompt with the key that typed it (slashCompletions).
  useEffect(() => {
    let current = true;
    const { token } = tokenAtCursor(prompt.editor);
    const offer = (completions: Completion[]) =>
      current && setPrompt((p) => (p.editor === prompt.editor ? { ...p, completions, selected: 0 } : p));
    if (slashCompletions(prompt)) {
      // offered already
    } else if (token.startsWith("@") && !prompt.recalled) {
      void files
        .complete(token.slice(1))
        .then((paths) => offer(paths.map((p) => ({ value: `@${p} `, label: `@${p}` }))));
    } else if (prompt.completions.length) {
      offer([]);
    }
    return () => {
      current = false;
    };
  }, [prompt.editor, files, setPrompt]);

  const closeOverlay = () => {
    setOverlay("none");
    setPicker(NEW_PICKER);
  };

  const commands: CommandContext = {
    session,
    themes,
    setLayout,
    setView: (v) => {
      setView(v ?? nextView(view));
      setInspector(NEW_INSPECTOR);
    },
    openOverlay: (o) => {
      setOverlay(o);
      // The model picker opens on the current model.
      const current =
        o === "model"
          ? modelItems(session.config, process.env, session.listedModels()).findIndex(
              (item) => item.value === snapshot.model.ref,
            )
          : -1;
      setPicker({ ...NEW_PICKER, selected: Math.max(0, current) });
      setScroll(0);
    },
    copy: (text) => write(`\x1b]52;c;${Buffer.from(text).toString("base64")}\x07`),
    quit: exit,
  };

  const imageKey = useImagePaste({
    config: session.config,
    workspace: session.workspace,
    promptRef,
    setPrompt,
    setFlash,
  });

  const submit = (text: string, images: readonly PromptImage[]) => {
    history.add(text);
    const slash = parseSlash(text);
    if (slash) void runSlashCommand(slash.name, slash.args, commands);
    else if (text.startsWith("!") && text.slice(1).trim()) void session.shell(text.slice(1).trim());
    else void session.submit(text, images);
  };

  const pickerItems = (): PickerItem[] => {
    if (overlay === "model") return modelItems(session.config, process.env, session.listedModels());
    if (overlay === "sessions") return sessionItems(session.sessions(), snapshot.session.id);
    if (overlay === "themes")
      return themes
        .names()
        .map((name) => ({ value: name, label: name, hint: name === theme.name ? "current" : undefined }));
    return [];
  };

  const choose = (item: PickerItem) => {
    if (overlay === "model") void session.setModel(item.value);
    if (overlay === "sessions") session.resume(item.value);
    if (overlay === "themes") themes.choose(item.value);
    closeOverlay();
  };

  const handleApprovalKey = (key: KeyPress) => {
    const approval = snapshot.approval!;
    const rejectReason = reasonRef.current;
    if (rejectReason !== undefined) {
      if (key.name === "escape") return setRejectReason(undefined);
      if (key.name === "return") return approval.answer({ reply: "reject", reason: rejectReason.trim() || undefined });
      if (key.name === "backspace") return setRejectReason(rejectReason.slice(0, -1));
      if (key.text && !key.ctrl && !key.meta) return setRejectReason(rejectReason + key.text.replace(/\n/g, " "));
      return;
    }
    if (key.name === "escape") return void session.interrupt();
    if (key.name === "left" || key.name === "right")
      return setApprovalChoice((c) => (c + (key.name === "left" ? 2 : 1)) % 3);
    const choice =
      key.name === "return"
        ? APPROVAL_CHOICES[approvalChoice]
        : APPROVAL_CHOICES.find((c) => c.key === key.name && !key.ctrl);
    if (!choice) return;
    if (choice.reply === "reject") setRejectReason("");
    else approval.answer({ reply: choice.reply });
  };

  const handleQuestionKey = (key: KeyPress) => {
    const question = snapshot.question!;
    const typed = answerRef.current;
    const options = question.request.options ?? [];
    const done = (text: string | undefined) => {
      setAnswer("");
      setAnswerChoice(0);
      question.answer(text);
    };
    if (key.name === "escape") return done(undefined);
    if (key.name === "return") return done(typed.trim() || options[answerChoice]);
    if ((key.name === "up" || key.name === "down") && options.length)
      return setAnswerChoice((c) => (c + (key.name === "up" ? options.length - 1 : 1)) % options.length);
    if (key.name === "backspace") return setAnswer(typed.slice(0, -1));
    if (key.text && !key.ctrl && !key.meta) return setAnswer(typed + key.text.replace(/\n/g, " "));
  };

  const onKey = (key: KeyPress) => {
    if (key.ctrl && key.name === "c") {
      if (Date.now() - quitArmedAt.current < QUIT_WINDOW_MS) return exit();
      quitArmedAt.current = Date.now();
      session.interrupt();
      setPrompt(EMPTY_PROMPT);
      return setFlash("press Ctrl+C again to quit");
    }
    if (snapshot.approval) return handleApprovalKey(key);
    if (snapshot.question) return handleQuestionKey(key);
    if (overlay !== "none") {
      if (overlay === "help") {
        if (key.name === "escape" || key.name === "return" || key.name === "q" || key.text === "?")
          return closeOverlay();
        return scrollKeys(key);
      }
      const outcome = handlePickerKey(pickerRef.current, key, pickerItems());
      if ("cancelled" in outcome) return closeOverlay();
      if ("chosen" in outcome) return choose(outcome.chosen);
      return setPicker(outcome.state);
    }
    if (key.ctrl && key.name === "b") return setLayout((l) => (l === "webview" ? "classic" : "webview"));
    // Ctrl+M is Enter to a terminal without the kitty keyboard protocol: Ctrl+O works in every terminal.
    if (key.ctrl && (key.name === "m" || key.name === "o")) return commands.openOverlay("model");
    if (key.ctrl && key.name === "l") return session.reprint();
    if ((key.ctrl && key.name === "s") || key.name === "f2") return setView(view === "swarm" ? "chat" : "swarm");
    if (view !== "chat") {
      if (key.name === "escape" || (key.name === "q" && !key.ctrl)) return commands.setView("chat");
      if (view === "swarm") return setSwarmView((s) => handleSwarmKey(s, key, snapshot.swarm?.rows.length ?? 0));
      return setInspector((s) => handleInspectorKey(s, key, snapshot.timeline.length));
    }
    if (scrollKeys(key)) return;
    const prompt = promptRef.current;
    if (key.name === "escape" && prompt.completions.length === 0) {
      if (!session.interrupt()) setFlash("nothing to interrupt");
      return;
    }
    if (key.name === "tab" && prompt.completions.length === 0) return cycleAgent(key.shift ? -1 : 1);
    if (key.text === "?" && prompt.editor.text === "") return commands.openOverlay("help");
    // ↑ on an empty prompt takes the last queued message back to edit (or drop) before history.
    if (key.name === "up" && prompt.editor.text === "" && snapshot.queued.length) {
      const queued = session.unqueueLast();
      return setPrompt({ ...EMPTY_PROMPT, editor: editorOf(queued?.text ?? ""), images: queued?.images ?? [] });
    }
    if (imageKey(key)) return;
    const result = handlePromptKey(prompt, key, historyCursor);
    if (result.submit === undefined) {
      const slash = result.state.editor !== prompt.editor ? slashCompletions(result.state) : undefined;
      return setPrompt(slash ? { ...result.state, completions: slash, selected: 0 } : result.state);
    }
    // Image paths typed by hand are attached when the prompt is sent.
    const typed = attachTypedImages({ ...prompt, editor: editorOf(result.submit) }, session.workspace);
    if ("error" in typed) return setFlash(typed.error);
    setPrompt(result.state);
    setScroll(0);
    submit(typed.editor.text.trimEnd(), imagesShown(typed.editor.text, typed.images));
  };

  const scrollKeys = (key: KeyPress): boolean => {
    const up = (key.meta && key.name === "k") || key.name === "pageup";
    const down = (key.meta && key.name === "j") || key.name === "pagedown";
    if (up) setScroll((s) => s + (key.name === "pageup" ? 10 : 3));
    if (down) setScroll((s) => Math.max(0, s - (key.name === "pagedown" ? 10 : 3)));
    return up || down;
  };

  const cycleAgent = (direction: 1 | -1) => {
    const agents = session.agents();
    const index = agents.indexOf(snapshot.agent);
    session.setAgent(agents[(index + direction + agents.length) % agents.length]!);
  };

  useKeys(onKey);
  const onPrinted = useCallback((key: number, count: number) => session.markPrinted(key, count), [session]);

  const width = Math.max(20, columns);
  const headerRows = layout === "webview" ? 1 : 0;
  // A question may be long (a plan to approve): it gets what leaves the live view 3 rows, and no more.
  const question = snapshot.question
    ? layoutQuestion(snapshot.question.request, width, rows - headerRows - 2 - 3, answerChoice)
    : undefined;
  // An edit's diff shows in the approval, leaving the live view at least 3 rows.
  const maxDiffLines = Math.max(3, rows - headerRows - 2 - 3 - 7);
  const approvalDiff = snapshot.approval?.diff;
  const inputRows = snapshot.approval
    ? 6 + (approvalDiff ? diffRows(approvalDiff, maxDiffLines) : 0)
    : question
      ? question.rows
      : Math.min(8, prompt.editor.text.split("\n").length) + 2 + prompt.completions.length + snapshot.queued.length;
  const mainRows = Math.max(3, rows - inputRows - headerRows - 2);
  return (
    <ThemeProvider value={theme}>
      <ScrollbackView scrollback={snapshot.scrollback} layout={layout} width={width} onPrinted={onPrinted} />
      <Box flexDirection="column" width={width}>
        {layout === "webview" ? <Header snapshot={snapshot} view={view} width={width} /> : null}
        {overlay === "help" ? (
          <HelpPanel maxRows={Math.max(3, rows - 5)} scroll={scroll} />
        ) : overlay !== "none" ? (
          <Picker
            title={overlay === "model" ? "Model" : overlay === "sessions" ? "Sessions in this directory" : "Theme"}
            items={pickerItems()}
            state={picker}
            maxRows={Math.max(3, Math.min(14, rows - 6))}
          />
        ) : (
          <>
            <MainView
              view={view}
              snapshot={snapshot}
              session={session}
              inspector={inspector}
              swarmView={swarmView}
              layout={layout}
              width={width}
              rows={mainRows}
              scroll={scroll}
            />
            {snapshot.approval ? (
              <ApprovalPrompt
                approval={snapshot.approval}
                selected={approvalChoice}
                reason={rejectReason}
                maxDiffLines={maxDiffLines}
              />
            ) : snapshot.question ? (
              <QuestionPrompt
                question={snapshot.question}
                layout={question!}
                typed={answer}
                selected={answerChoice}
                width={width}
              />
            ) : view === "chat" ? (
              <>
                <QueuedPrompts queued={snapshot.queued} width={width} />
                <InputBox prompt={prompt} busy={snapshot.busy} agent={snapshot.agent} width={width} />
              </>
            ) : null}
          </>
        )}
        <StatusLine snapshot={snapshot} workspace={session.workspace} branch={branch} width={width} flash={flash} />
      </Box>
    </ThemeProvider>
  );
}
