import { LitElement, html } from "lit";
import { customElement } from "lit/decorators.js";

@customElement("sp-console")
export class SpConsole extends LitElement {
  override render() {
    return html`<p>Sportello console</p>`;
  }
}
