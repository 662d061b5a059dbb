/** The frame around every view: the header with navigation and the id search, and the main region. */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { href } from "../lib/router";

type Props = { children: ComponentChildren; onSignOut: () => void; current: string };

export function Layout({ children, onSignOut, current }: Props) {
  const [id, setId] = useState("");
  const search = (e: Event) => {
    e.preventDefault();
    const v = id.trim();
    if (v) location.hash = href.search(v);
  };
  const link = (to: string, label: string, view: string) => (
    <a href={to} aria-current={current === view ? "page" : undefined}>
      {label}
    </a>
  );
  return (
    <>
      <a class="skip-link" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById("main")?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href.home()}>
          Signalbox
        </a>
        <nav aria-label="Main">
          {link(href.home(), "Home", "home")}
          {link(href.triggers(), "Triggers", "triggers")}
          {link(href.flows(), "Flows", "flows")}
          {link(href.runs(), "Runs", "runs")}
          {link(href.search(), "Search", "search")}
        </nav>
        <form class="top-search" role="search" onSubmit={search}>
          <label class="visually-hidden" for="top-search">
            Event or delivery id
          </label>
          <input id="top-search" type="search" placeholder="Event or delivery id" value={id} onInput={(e) => setId(e.currentTarget.value)} />
          <button type="submit">Find</button>
        </form>
        <button type="button" class="link-button" onClick={onSignOut} title="Forget the API key kept for this tab">
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
