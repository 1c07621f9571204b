import type { Layout } from "../chat/entry-view.tsx";
import { LiveView } from "../components/live-view.tsx";
import type { TuiSession } from "../session/tui-session.ts";
import type { TuiSnapshot } from "../session/tui-snapshot.ts";
import { InspectorView, type InspectorState } from "./inspector-view.tsx";
import { RalphView } from "./ralph-view.tsx";
import { SwarmView, type SwarmViewState } from "./swarm-view.tsx";
import type { ViewId } from "./view-ids.ts";

export interface MainViewProps {
  view: ViewId;
  snapshot: TuiSnapshot;
  session: TuiSession;
  inspector: InspectorState;
  swarmView: SwarmViewState;
  layout: Layout;
  width: number;
  rows: number;
  scroll: number;
}

/** The view above the prompt: the live turn (chat), the inspector, the swarm's sub-agents or the Ralph board. */
export function MainView({
  view,
  snapshot,
  session,
  inspector,
  swarmView,
  layout,
  width,
  rows,
  scroll,
}: MainViewProps) {
  if (view === "inspector")
    return <InspectorView items={snapshot.timeline} state={inspector} maxRows={rows - 2} width={width} />;
  if (view === "swarm") {
    const chosenAgent = snapshot.swarm?.rows[swarmView.selected]?.sessionId;
    const transcript = swarmView.open && chosenAgent ? session.transcriptOf(chosenAgent) : [];
    return (
      <SwarmView board={snapshot.swarm} state={swarmView} transcript={transcript} maxRows={rows - 2} width={width} />
    );
  }
  if (view === "ralph") return <RalphView board={snapshot.ralph} maxRows={rows - 3} width={width} />;
  return <LiveView entries={snapshot.live} layout={layout} width={width} maxRows={rows} scroll={scroll} />;
}
