/**
 * The Signalbox dashboard: asks for a key once per tab, then routes the hash
 * to a view. Everything it shows comes from the public /v1 API and is
 * rendered as text.
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { UNAUTHORIZED_EVENT } from "./api";
import { useRoute } from "./hooks";
import type { Route } from "./lib/router";
import { clearKey, getKey } from "./session";
import { Layout } from "./components/layout";
import { AwaitsView } from "./views/awaits-view";
import { FireForm } from "./views/fire-form";
import { FireView } from "./views/fire-view";
import { FiresView } from "./views/fires-view";
import { FlowList } from "./views/flow-list";
import { FlowView } from "./views/flow-view";
import { HomeView } from "./views/home-view";
import { RunsView } from "./views/runs-view";
import { LiveTail } from "./views/live-tail";
import { Login } from "./views/login";
import { SearchView } from "./views/search-view";
import { TriggerList } from "./views/trigger-list";
import { TriggerView } from "./views/trigger-view";
import "./styles.css";

function View({ route }: { route: Route }) {
  switch (route.view) {
    case "home": return <HomeView query={route.query} />;
    case "triggers": return <TriggerList query={route.query} />;
    case "trigger": return <TriggerView key={route.name} name={route.name} />;
    case "fires": return <FiresView name={route.name} status={route.status} cursor={route.cursor} />;
    case "fire": return <FireView key={route.eventId} name={route.name} eventId={route.eventId} delivery={route.delivery} />;
    case "fire-form": return <FireForm key={route.name} name={route.name} />;
    case "live": return <LiveTail name={route.name} />;
    case "search": return <SearchView id={route.id} />;
    case "runs": return <RunsView status={route.status} cursor={route.cursor} />;
    case "awaits": return <AwaitsView runId={route.runId} />;
    case "flows": return <FlowList query={route.query} />;
    case "flow": return <FlowView key={route.flow} flow={route.flow} after={route.after} />;
    default:
      return (
        <section>
          <h1 tabIndex={-1}>Not found</h1>
          <p class="empty">Nothing lives at <code>#{route.path}</code>. <a href="#/">Go home</a> or <a href="#/triggers">to the triggers</a>.</p>
        </section>
      );
  }
}

function App() {
  const [signedIn, setSignedIn] = useState(() => getKey() !== null);
  const [reason, setReason] = useState<string | undefined>();
  const route = useRoute();

  useEffect(() => {
    const onUnauthorized = () => {
      clearKey();
      setReason("The service no longer accepts the key of this tab: sign in again.");
      setSignedIn(false);
    };
    addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, []);

  // Move focus to the new view's heading so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (signedIn) (document.querySelector("main h1") as HTMLElement | null)?.focus({ preventScroll: true });
  }, [location.hash, signedIn]);

  if (!signedIn) return <Login reason={reason} onSignedIn={() => (setReason(undefined), setSignedIn(true))} />;
  const signOut = () => {
    clearKey();
    setReason(undefined);
    setSignedIn(false);
  };
  return (
    <Layout onSignOut={signOut} current={["trigger", "fires", "fire", "fire-form", "live"].includes(route.view) ? "triggers" : route.view === "awaits" ? "runs" : route.view === "flow" ? "flows" : route.view}>
      <View route={route} />
    </Layout>
  );
}

const root = document.getElementById("app")!;
root.replaceChildren(); // drop the "Loading…" placeholder of index.html
render(<App />, root);
