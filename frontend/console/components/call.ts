// A contact's voice/video icons (click to call or hang up), the visitor's request
// (ENGAGE / NOT NOW) and the call itself: the visitor's video large, ours small, controls.
// Streams are bound with live(): Lit sets an object-valued property on every render, and
// re-assigning srcObject restarts the element's media (the console renders every second).

import { msg, str } from "@lit/localize";
import { css, html, nothing } from "lit";
import { live } from "lit/directives/live.js";
import { callIcon } from "../calls";
import { icons } from "../icons";
import { store, type Panel } from "../store";

export const callStyles = css`
  button.medium {
    border: 0;
    cursor: pointer;
    padding: 0;
  }
  button.medium.unavailable {
    cursor: not-allowed;
    border: 1px dashed var(--grey-light);
  }
  .call-request {
    display: flex;
    align-items: center;
    gap: 10px;
    padding: 10px 14px;
    background: #fff7ed;
    border-bottom: 1px solid var(--border);
  }
  .call-request .text {
    flex: 1;
    font-weight: 600;
  }
  .call-stage {
    display: flex;
    flex-direction: column;
    flex: 0 1 auto;
    min-height: 104px;
    background: #111827;
    border-bottom: 1px solid var(--border);
  }
  /* The picture gives way first when the panel is short: the composer below stays in view. */
  .call-stage .picture {
    position: relative;
    flex: 0 1 260px;
    min-height: 56px;
    display: flex;
    align-items: center;
    justify-content: center;
    overflow: hidden;
  }
  .call-stage .picture.voice {
    flex-basis: 110px;
  }
  .call-stage video.remote {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: contain;
    background: #111827;
  }
  .call-stage video.local {
    position: absolute;
    right: 10px;
    bottom: 10px;
    width: 120px;
    max-height: calc(100% - 20px);
    object-fit: cover;
    border: 2px solid #fff;
    border-radius: 6px;
    background: #374151;
  }
  .call-stage .voice-only {
    display: flex;
    align-items: center;
    gap: 8px;
    color: #e5e7eb;
    font-size: 15px;
  }
  .call-stage .status {
    position: absolute;
    left: 12px;
    top: 10px;
    color: #f9fafb;
    font-size: 13px;
    background: rgba(0, 0, 0, 0.45);
    padding: 2px 8px;
    border-radius: 10px;
  }
  .call-stage .status.reconnecting {
    background: #b45309;
  }
  /* Below the picture, never over it. */
  .call-controls {
    flex: none;
    display: flex;
    justify-content: center;
    flex-wrap: wrap;
    gap: 8px;
    padding: 8px;
    background: #1f2937;
  }
  .call-controls .btn:not(.danger) {
    background: rgba(255, 255, 255, 0.92);
  }
  .call-controls .btn[aria-pressed="true"] {
    background: #fde68a;
  }
`;

function mediaOf(p: Panel, medium: "voice" | "video") {
  const c = p.contact;
  const agent = store.agent;
  const call = c.call;
  const { state, why } = callIcon(medium, {
    call,
    terminated: p.terminated,
    serviceOffers: (c.service.media ?? []).includes(medium),
    agentAllows: medium === "voice" ? !!agent?.voice_allowed : !!agent?.video_allowed,
    switchOn: !!store.media?.[medium],
    visitor: c.visitor_media,
  });
  return { state, why, call };
}

/** The voice and video icons of a panel's bar: click to call, or (green) to hang up. */
export function callIcons(p: Panel) {
  return (["voice", "video"] as const).map((medium) => {
    const { state, why, call } = mediaOf(p, medium);
    const click = () => {
      if (state === "available") store.calls.start(p.contact.id, medium);
      else if (call && (state === "active" || (state === "connecting" && call.started_by === "agent"))) store.calls.hangUp(call);
    };
    return html`<button class="medium ${state}" data-testid="medium-${medium}" data-state=${state}
      aria-label=${why} title=${why} aria-disabled=${state === "unavailable" ? "true" : "false"} @click=${click}>
      ${medium === "voice" ? icons.voice() : icons.video()}
    </button>`;
  });
}

/** The visitor's request, or the call in progress in this console, under the bar. */
export function callStage(p: Panel, name: string) {
  const call = p.contact.call;
  if (!call || p.terminated) return nothing;
  const kind = call.requested === "video" ? msg("video call") : msg("voice call");
  if (store.calls.isEnding(call)) {
    return html`<div class="call-request" role="status" data-testid="call-ending">
      <span class="text">${msg(str`Ending the ${kind} with ${name}…`)}</span>
    </div>`;
  }
  if (call.state === "offered" && call.started_by === "visitor") {
    return html`<div class="call-request" role="alert" data-testid="call-request">
      <span class="text">${msg(str`${name} asks for a ${kind}`)}</span>
      <button class="btn primary" data-testid="call-engage" @click=${() => store.calls.engage(call)}>${msg("ENGAGE")}</button>
      <button class="btn" data-testid="call-not-now" @click=${() => store.calls.notNow(call)}>${msg("NOT NOW")}</button>
    </div>`;
  }
  if (call.state === "offered") {
    return html`<div class="call-request" data-testid="call-ringing">
      <span class="text">${msg(str`Calling ${name} (${kind})…`)}</span>
      <button class="btn danger" data-testid="call-hang-up" @click=${() => store.calls.hangUp(call)}>${msg("Cancel")}</button>
    </div>`;
  }
  const peer = store.calls.ours(call) ? store.calls.peer : null;
  if (!peer) {
    return html`<div class="call-request" data-testid="call-elsewhere">
      <span class="text">${msg(str`A ${kind} with ${name} is in progress in another console`)}</span>
      <button class="btn danger" data-testid="call-hang-up" @click=${() => store.calls.hangUp(call)}>${msg("Hang up")}</button>
    </div>`;
  }
  const reconnecting = store.calls.reconnecting(call) || store.conn !== "online";
  const status = reconnecting ? msg("Reconnecting the call…") : call.state === "connected" ? msg("Connected") : msg("Connecting…");
  const theirVideo = call.requested === "video" && call.media === "video";
  return html`<div class="call-stage" data-testid="call-stage" data-call-state=${call.state}
    data-reconnecting=${reconnecting ? "true" : "false"}>
    <div class="picture ${theirVideo ? "" : "voice"}" data-testid="call-picture">
      <span class="status ${reconnecting ? "reconnecting" : ""}" data-testid="call-status">${status} · ${kind}${call.media === "voice" && call.requested === "video" ? " " + msg(str`(${name}: voice only)`) : ""}</span>
      ${theirVideo
        ? html`<video class="remote" data-testid="remote-video" autoplay playsinline .srcObject=${live(peer.remote)}></video>`
        : html`<div class="voice-only">${icons.voice()} ${name}</div>
            <audio data-testid="remote-audio" autoplay .srcObject=${live(peer.remote)}></audio>`}
      ${peer.sendsVideo
        ? html`<video class="local" data-testid="local-video" autoplay playsinline muted .srcObject=${live(peer.local)}></video>`
        : nothing}
    </div>
    <div class="call-controls">
      <button class="btn" data-testid="call-mute" aria-pressed=${peer.muted ? "true" : "false"}
        @click=${() => peer.setMuted(!peer.muted)}>${peer.muted ? msg("Unmute") : msg("Mute")}</button>
      ${peer.sendsVideo
        ? html`<button class="btn" data-testid="call-camera" aria-pressed=${peer.cameraOff ? "true" : "false"}
            @click=${() => peer.setCameraOff(!peer.cameraOff)}>${peer.cameraOff ? msg("Camera on") : msg("Camera off")}</button>`
        : nothing}
      <button class="btn" data-testid="call-switch" title=${msg("Use the next camera or microphone")}
        @click=${() => void peer.switchDevice()}>${msg("Switch device")}</button>
      <button class="btn danger" data-testid="call-hang-up" @click=${() => store.calls.hangUp(call)}>${msg("Hang up")}</button>
    </div>
  </div>`;
}
