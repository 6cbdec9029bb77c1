// The console's one store (see ./core.ts) and the shapes components use.

import { ConsoleStore } from "./core";

export type { ConsoleStore } from "./core";
export { isIdle, linePosition, showsAsLeft } from "./model";
export type { Capacity, ConnState, Notice, Outgoing, Panel, Prefs, SignOutChoice, SystemLine } from "./model";

export const store = new ConsoleStore();
