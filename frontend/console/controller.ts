// Re-render a component when the store changes (and, optionally, every tick).

import type { ReactiveController, ReactiveControllerHost } from "lit";
import { store } from "./store";

export class StoreController implements ReactiveController {
  private readonly update = () => this.host.requestUpdate();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly ticks = false,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    store.addEventListener("change", this.update);
    if (this.ticks) store.addEventListener("tick", this.update);
  }

  hostDisconnected(): void {
    store.removeEventListener("change", this.update);
    store.removeEventListener("tick", this.update);
  }
}
