/**
 * The widget's side of voice/video calls: the contact's call (from events), the media the
 * visitor may ask for, the incoming-call prompt's answers and the WebRTC peer (the widget
 * answers the console's offer). A page change or a dropped connection interrupts the call:
 * the page that comes back rejoins it (a new page with a new peer connection, which the
 * console offers again; a blip with the one it kept) — docs/protocol.md.
 */

import { msg, str } from "@lit/localize";
import { CallPeer, interrupted, mediaCapabilities, sendsVideo } from "../shared/call";
import type { CallSignal, CallView, IceConfig } from "../shared/protocol";

export interface CallHost {
  contactId(): number | null;
  send(frame: Record<string, unknown>): boolean;
  changed(): void;
}

const LIVE = ["offered", "accepted", "connected"];
const IN_CALL_KEY = "sportello:in-call";

/** The call this tab had a peer connection for, kept across its page changes and reloads
 * (without session storage, only a page that finds our side interrupted rejoins a call). */
function inCall(): number | null {
  try {
    return Number(window.sessionStorage.getItem(IN_CALL_KEY)) || null;
  } catch {
    return null;
  }
}

function rememberInCall(callId: number | null): void {
  try {
    if (callId === null) window.sessionStorage.removeItem(IN_CALL_KEY);
    else window.sessionStorage.setItem(IN_CALL_KEY, String(callId));
  } catch {
    /* no session storage: see inCall */
  }
}

export class WidgetCalls {
  call: CallView | null = null;
  /** What the visitor may ask for now (the service, the agent's profile and switches). */
  media: string[] = [];
  ice: IceConfig = { servers: [], transport_policy: "all", expires_at: null };
  peer: CallPeer | null = null;
  /** The last call's end, said politely under the chat. */
  notice = "";

  constructor(private readonly host: CallHost) {}

  /** The peer connection is being set up again after this page came back. */
  renewing = false;

  /** The snapshot in `hello`: the live call (or none) and the media on offer; a call this
   * page should be in is taken back. */
  reset(call: CallView | null | undefined, media: string[] | undefined, ice: IceConfig | undefined): void {
    if (ice) this.ice = ice;
    this.media = media ?? [];
    this.call = call ?? null;
    if (this.peer && (!this.call || this.call.id !== this.peerId)) this.drop();
    if (this.call && this.call.id === this.ending) this.frame("call.end", { call_id: this.call.id });
    else if (this.call) this.takeBack(this.call, !!this.call.visitor_gone_at);
  }

  /** A call hung up here that has not ended yet: a hang-up made while the connection was
   * down is sent when it is back, instead of taking the call back. */
  ending: number | null = null;

  /** Rejoin our side of a live call from this page: with the peer connection it kept (a
   * blip), or with a new one when this tab was in the call before a page change or reload
   * (or, with ``anyPage``, when our side is interrupted and this page is the one back). A
   * call the visitor asked for and is still ringing moves to this page too. */
  private takeBack(live: CallView, anyPage: boolean): void {
    if (live.state === "offered") {
      if (live.started_by === "visitor" && live.visitor_gone_at) this.frame("call.rejoin", { call_id: live.id, fresh: false });
      return;
    }
    if (live.state !== "accepted" && live.state !== "connected") return;
    if (this.peer && this.peerId === live.id) {
      this.frame("call.rejoin", { call_id: live.id, fresh: false });
    } else if (!this.peer && (inCall() === live.id || anyPage)) {
      this.frame("call.rejoin", { call_id: live.id, fresh: true });
      void this.open(live, true);
    }
  }

  /** Say "reconnecting the call…": a side is away, or the media is being set up again. */
  get reconnecting(): boolean {
    if (!this.call || this.call.state === "offered") return false;
    return interrupted(this.call) || this.renewing || (this.call.state === "connected" && this.peer?.state !== "connected");
  }

  /** Tell the console what this browser can do (for its icons). */
  async report(): Promise<void> {
    const contactId = this.host.contactId();
    if (contactId === null) return;
    const caps = await mediaCapabilities();
    this.host.send({ type: "call.capabilities", contact_id: contactId, ...caps });
  }

  private frame(type: string, extra: Record<string, unknown> = {}): void {
    const contactId = this.host.contactId();
    if (contactId !== null) this.host.send({ type, contact_id: contactId, ...extra });
  }

  ask(media: "voice" | "video"): void {
    this.notice = "";
    this.frame("call.start", { media });
  }

  accept(media: "voice" | "video"): void {
    if (this.call) this.frame("call.accept", { call_id: this.call.id, media });
  }

  decline(): void {
    if (this.call) this.frame("call.decline", { call_id: this.call.id });
  }

  /** Hang up: our camera and microphone stop at once; the call ends when the server says so. */
  hangUp(): void {
    if (!this.call) return;
    this.ending = this.call.id;
    if (this.peerId === this.call.id) this.drop();
    this.frame("call.end", { call_id: this.call.id });
  }

  get live(): boolean {
    return !!this.call && LIVE.includes(this.call.state);
  }

  onEvent(kind: string, data: Record<string, unknown>, agent: string): void {
    if (kind === "call.media") {
      this.media = (data.media as string[]) ?? [];
      return;
    }
    const call = data.call as CallView;
    this.call = LIVE.includes(call.state) ? call : null;
    if (!this.call && this.ending === call.id) this.ending = null;
    if (this.ending === call.id) return;
    if (kind === "call.accepted" && this.peerId !== call.id) void this.open(call, false);
    // Our page's old connection closed after this one opened (a page change racing its own
    // close): this page is the one in the call now.
    if (kind === "call.interrupted" && data.side === "visitor") this.takeBack(call, false);
    if (call.state === "declined" || call.state === "ended") {
      if (this.peerId === call.id) this.drop();
      if (inCall() === call.id) rememberInCall(null);
      this.notice = endNotice(call, agent);
    } else {
      this.notice = "";
    }
  }

  onSignal(callId: number | undefined, signal: CallSignal): void {
    if (this.peer && callId === this.peerId && signal.description?.type === "offer" && this.peer.negotiated && this.call) {
      // The console set the call up anew (it reloaded, or ICE failed): a new peer connection.
      this.early.push({ callId, signal });
      void this.open(this.call, true);
    } else if (this.peer && callId === this.peerId) void this.peer.receive(signal);
    // Signalling crosses the bus, events the stream: on another process the offer can
    // come before our own call.accepted event. Keep it for the peer about to open.
    else if (callId !== undefined) this.early.push({ callId, signal });
  }

  private peerId: number | null = null;
  private early: { callId: number; signal: CallSignal }[] = [];

  private async open(call: CallView, renew: boolean): Promise<void> {
    this.drop();
    this.renewing = renew;
    rememberInCall(call.id);
    let reported = false;
    const peer = new CallPeer({
      ice: this.ice,
      sendVideo: sendsVideo("visitor", call.requested, call.media),
      send: (signal) => this.frame("call.signal", { call_id: call.id, ...signal }),
      onChange: () => {
        if (peer.state === "connected" && !reported) {
          reported = true;
          this.renewing = false;
          this.frame("call.connected", { call_id: call.id });
        }
        this.host.changed();
      },
    });
    this.peer = peer;
    this.peerId = call.id;
    const early = this.early.filter((e) => e.callId === call.id);
    this.early = [];
    const opened = peer.open();
    for (const e of early) void peer.receive(e.signal);
    await opened; // the console's offer waits in the peer's queue until then
    this.host.changed();
  }

  drop(): void {
    this.peer?.close();
    this.peer = null;
    this.peerId = null;
    this.renewing = false;
  }
}

function endNotice(call: CallView, agent: string): string {
  const video = call.requested === "video";
  if (call.state === "declined") {
    if (call.started_by === "visitor") {
      return video
        ? msg(str`${agent} cannot take a video call right now — you can keep chatting here.`, { id: "w.call.end.busy.video" })
        : msg(str`${agent} cannot take a voice call right now — you can keep chatting here.`, { id: "w.call.end.busy.voice" });
    }
    return video
      ? msg("You declined the video call.", { id: "w.call.end.declined.video" })
      : msg("You declined the voice call.", { id: "w.call.end.declined.voice" });
  }
  switch (call.end_reason) {
    case "visitor_left":
      return video
        ? msg("The video call ended: this page did not come back in time. You can start a new one.", {
            id: "w.call.end.visitor_left.video",
          })
        : msg("The voice call ended: this page did not come back in time. You can start a new one.", {
            id: "w.call.end.visitor_left.voice",
          });
    case "agent_disconnected":
      return video
        ? msg(str`The video call ended: ${agent}'s connection dropped and did not come back.`, {
            id: "w.call.end.agent_disconnected.video",
          })
        : msg(str`The voice call ended: ${agent}'s connection dropped and did not come back.`, {
            id: "w.call.end.agent_disconnected.voice",
          });
    case "hung_up":
      if (call.ended_by === "visitor") {
        return video
          ? msg("You ended the video call.", { id: "w.call.end.by_visitor.video" })
          : msg("You ended the voice call.", { id: "w.call.end.by_visitor.voice" });
      }
      return video
        ? msg(str`${agent} ended the video call.`, { id: "w.call.end.by_agent.video" })
        : msg(str`${agent} ended the voice call.`, { id: "w.call.end.by_agent.voice" });
    default:
      return video
        ? msg("The video call ended.", { id: "w.call.end.video" })
        : msg("The voice call ended.", { id: "w.call.end.voice" });
  }
}
