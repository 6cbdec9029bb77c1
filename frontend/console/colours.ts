// The agent's colour tags: names the API knows, labels people read, and the swatch colours.

import { html, nothing } from "lit";

export const COLOURS: Array<[string, string, string]> = [
  ["", "No colour", "transparent"],
  ["red", "Red", "#e5484d"],
  ["orange", "Orange", "#f76b15"],
  ["yellow", "Yellow", "#e2b203"],
  ["green", "Green", "#30a46c"],
  ["blue", "Blue", "#3e63dd"],
  ["purple", "Purple", "#8e4ec6"],
  ["grey", "Grey", "#8b8d98"],
];

export function colourValue(name: string | null): string {
  return COLOURS.find(([n]) => n === (name ?? ""))?.[2] ?? "transparent";
}

export function colourLabel(name: string | null): string {
  return COLOURS.find(([n]) => n === (name ?? ""))?.[1] ?? "No colour";
}

/** A small dot and the tag's name (nothing without a tag). */
export function colourChip(name: string | null) {
  if (!name) return nothing;
  return html`<span class="colour-chip" data-testid="colour-chip" data-colour=${name}
    ><span class="dot" style="background:${colourValue(name)}" aria-hidden="true"></span>${colourLabel(name)}</span>`;
}
