// The agent's colour tags: names the API knows, labels people read, and the swatch colours.

import { msg } from "@lit/localize";
import { html, nothing } from "lit";

/** [name, label in the agent's language, swatch colour] for each tag. */
export function colours(): Array<[string, string, string]> {
  return [
    ["", msg("No colour"), "transparent"],
    ["red", msg("Red"), "#e5484d"],
    ["orange", msg("Orange"), "#f76b15"],
    ["yellow", msg("Yellow"), "#e2b203"],
    ["green", msg("Green"), "#30a46c"],
    ["blue", msg("Blue"), "#3e63dd"],
    ["purple", msg("Purple"), "#8e4ec6"],
    ["grey", msg("Grey"), "#8b8d98"],
  ];
}

export function colourValue(name: string | null): string {
  return colours().find(([n]) => n === (name ?? ""))?.[2] ?? "transparent";
}

export function colourLabel(name: string | null): string {
  return colours().find(([n]) => n === (name ?? ""))?.[1] ?? msg("No colour");
}

/** A small dot and the tag's name (nothing without a tag). */
export function colourChip(name: string | null) {
  if (!name) return nothing;
  return html`<span class="colour-chip" data-testid="colour-chip" data-colour=${name}
    ><span class="dot" style="background:${colourValue(name)}" aria-hidden="true"></span>${colourLabel(name)}</span>`;
}
