/** The newest fires of a trigger (GET …/fires?limit=10), re-read every 5 s, linking to each fire. */
import { api } from "../api";
import { useApi } from "../hooks";
import { href } from "../lib/router";
import { Badge } from "./badge";
import { ErrorBox } from "./error-box";
import { Loading } from "./loading";
import { Time } from "./time";

export function RecentFires({ name, fireable }: { name: string; fireable: boolean }) {
  const fires = useApi((sig) => api.fires(name, { limit: 10 }, sig), [name], 5_000);
  return (
    <section class="card" aria-labelledby="recent-h">
      <h2 id="recent-h">Recent fires</h2>
      <ErrorBox error={fires.error} title="Could not load the fires" />
      {fires.loading && !fires.data ? <Loading label="Loading fires…" /> : null}
      {fires.data && fires.data.fires.length === 0 ? (
        <p class="empty">
          No fires yet — {fireable ? <>fire one with the <a href={href.fireForm(name)}>fire form</a> or </> : null}
          <code>POST /v1/triggers/{name}/fire</code>.
        </p>
      ) : null}
      {fires.data && fires.data.fires.length > 0 ? (
        <ul class="fire-list" data-testid="recent-fires">
          {fires.data.fires.map((f) => (
            <li key={f.eventId}>
              <a href={href.fire(name, f.eventId)}><code>{f.eventId}</code></a> <Badge status={f.status} />{" "}
              {f.deliveryStatus && f.deliveryStatus !== "none" ? <Badge status={f.deliveryStatus} /> : null} <Time at={f.firedAt} relativeOnly />
              <span class="muted small-text"> · {f.source}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
