/**
 * The widget's side of voice/video calls: the contact's call (from events), the media the
 * visitor may ask for, the incoming-call prompt's answers and the WebRTC peer (the widget
 * answers the console's offer). A page change closes the connection: the server ends the
 * call and the next page says so (docs/protocol.md).
 */

import { CallPeer, mediaCapabilities, sendsVideo } from "../shared/call";
import type { CallSignal, CallView, IceConfig } from "../shared/protocol";

export interface CallHost {
  contactId(): number | null;
  send(frame: Record<string, unknown>): boolean;
  changed(): void;
}

const LIVE = ["offered", "accepted", "connected"];

export class WidgetCalls {
  call: CallView | null = null;
  /** What the visitor may ask for now (the service, the agent's profile and switches). */
  media: string[] = [];
  ice: IceConfig = { servers: [], transport_policy: "all", expires_at: null };
  peer: CallPeer | null = null;
  /** The last call's end, said politely under the chat. */
  notice = "";

  constructor(private readonly host: CallHost) {}

  /** The snapshot in `hello`: the live call (or none) and the media on offer. */
  reset(call: CallView | null | undefined, media: string[] | undefined, ice: IceConfig | undefined): void {
    if (ice) this.ice = ice;
    this.media = media ?? [];
    this.call = call ?? null;
    if (this.peer && (!this.call || this.call.id !== this.peerId)) this.drop();
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

  hangUp(): void {
    if (this.call) this.frame("call.end", { call_id: this.call.id });
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
    if (call.state === "accepted" && this.peerId !== call.id) void this.open(call);
    if (call.state === "declined" || call.state === "ended") {
      if (this.peerId === call.id) this.drop();
      this.notice = endNotice(call, agent);
    } else {
      this.notice = "";
    }
  }

  onSignal(callId: number | undefined, signal: CallSignal): void {
    if (this.peer && callId === this.peerId) void this.peer.receive(signal);
    // Signalling crosses the bus, events the stream: on another process the offer can
    // come before our own call.accepted event. Keep it for the peer about to open.
    else if (callId !== undefined) this.early.push({ callId, signal });
  }

  private peerId: number | null = null;
  private early: { callId: number; signal: CallSignal }[] = [];

  private async open(call: CallView): Promise<void> {
    this.drop();
    let reported = false;
    const peer = new CallPeer({
      ice: this.ice,
      sendVideo: sendsVideo("visitor", call.requested, call.media),
      send: (signal) => this.frame("call.signal", { call_id: call.id, ...signal }),
      onChange: () => {
        if (peer.state === "connected" && !reported) {
          reported = true;
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
  }
}

function endNotice(call: CallView, agent: string): string {
  const kind = call.requested === "video" ? "video call" : "voice call";
  if (call.state === "declined") {
    return call.started_by === "visitor"
      ? `${agent} cannot take a ${kind} right now — you can keep chatting here.`
      : `You declined the ${kind}.`;
  }
  switch (call.end_reason) {
    case "visitor_left":
      return `The ${kind} ended when you changed page. You can start a new one.`;
    case "agent_disconnected":
      return `The ${kind} ended: ${agent}'s connection dropped.`;
    case "hung_up":
      return call.ended_by === "visitor" ? `You ended the ${kind}.` : `${agent} ended the ${kind}.`;
    default:
      return `The ${kind} ended.`;
  }
}
