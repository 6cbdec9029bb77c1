// The console's side of voice/video calls: the call of each contact (from events), the one
// WebRTC peer this console runs, and the frames that move a call (docs/protocol.md).

import { msg, str } from "@lit/localize";
import { CallPeer, interrupted, sendsVideo } from "../shared/call";
import type { CallSignal, CallView, EventFrame, IceConfig, SignalFrame } from "./types";

export type CallIconState = "active" | "connecting" | "available" | "unavailable";

export interface CallHost {
  sessionId: string | null;
  ice: IceConfig;
  send(frame: Record<string, unknown>): boolean;
  changed(): void;
}

/** A line for the transcript about a call event, or null. */
export function callLine(call: CallView, name: string): { text: string; tone: "info" | "warn" | "end" } | null {
  const medium = call.requested === "video" ? msg("video call") : msg("voice call");
  switch (call.state) {
    case "offered":
      return call.started_by === "agent"
        ? { text: msg(str`You offered ${name} a ${medium}`), tone: "info" }
        : { text: msg(str`${name} asks for a ${medium}`), tone: "warn" };
    case "accepted":
      if (call.started_by === "visitor") return { text: msg(str`You engaged the ${medium}`), tone: "info" };
      return {
        text: call.media === "video" ? msg(str`${name} accepted with video`) : msg(str`${name} accepted, voice only`),
        tone: "info",
      };
    case "declined":
      return call.started_by === "agent"
        ? { text: msg(str`${name} declined the ${medium}`), tone: "warn" }
        : { text: msg(str`You answered NOT NOW to ${name}'s ${medium}`), tone: "info" };
    case "connected":
      return { text: msg(str`The ${medium} is connected`), tone: "info" };
    case "ended": {
      const why: Record<string, string> = {
        hung_up: call.ended_by === "agent" ? msg("you hung up") : msg(str`${name} hung up`),
        visitor_left: msg(str`${name}'s page closed and did not come back`),
        agent_disconnected: msg("your console did not come back in time"),
        contact_closed: msg("the contact ended"),
        requeued: msg("the contact went back to the queue"),
        transferred: msg("the contact was transferred"),
      };
      const reason = why[call.end_reason ?? ""] ?? msg("ended");
      return { text: msg(str`The ${medium} ended — ${reason}`), tone: "end" };
    }
  }
}

/** A transcript line for a call's interruption (`call.interrupted`) or its return. */
export function resumeLine(kind: string, side: string, call: CallView, name: string): string {
  const medium = call.requested === "video" ? msg("video call") : msg("voice call");
  const who = side === "agent" ? msg("your console") : name;
  return kind === "call.interrupted"
    ? msg(str`The ${medium} is reconnecting — ${who} lost the connection`)
    : msg(str`The ${medium} is back — ${who} rejoined`);
}

const LIVE_CALL = ["offered", "accepted", "connected"];

export class ConsoleCalls {
  /** The call this console is in (it placed or engaged it) and its peer. */
  peer: CallPeer | null = null;
  peerCall: CallView | null = null;
  /** The peer connection is being set up again (a reload on either side, ICE failed). */
  renewing = false;
  constructor(private readonly host: CallHost) {}

  /** Say "reconnecting the call…": a side is away, or the media is being set up again. */
  reconnecting(call: CallView): boolean {
    if (interrupted(call)) return true;
    if (!this.ours(call) || this.peerCall?.id !== call.id) return false;
    return this.renewing || (call.state === "connected" && this.peer?.state !== "connected");
  }

  /** Calls hung up here that have not ended yet: a hang-up made while the connection was
   * down is sent when it is back, instead of taking the call back. */
  private readonly ending = new Set<number>();

  /** After (re)connecting: take back the calls of this console session. A page that still
   * has the call's peer connection (a blip) goes on with it; a reloaded one offers again. */
  rejoin(calls: (CallView | null | undefined)[]): void {
    for (const call of calls) {
      if (!call || !LIVE_CALL.includes(call.state)) continue;
      if (this.ending.has(call.id)) {
        this.sendEnd(call);
        continue;
      }
      if (!this.ours(call)) continue;
      const kept = this.peerCall?.id === call.id && !!this.peer;
      const fresh = call.state !== "offered" && !kept;
      this.host.send({ type: "call.rejoin", contact_id: call.contact_id, call_id: call.id, fresh });
      if (fresh) void this.open(call, true);
    }
  }

  ours(call: CallView | null | undefined): boolean {
    return !!call && !!call.agent_session && call.agent_session === this.host.sessionId;
  }

  start(contactId: number, media: "voice" | "video"): void {
    this.host.send({ type: "call.start", contact_id: contactId, media });
  }

  engage(call: CallView): void {
    this.host.send({ type: "call.accept", contact_id: call.contact_id, call_id: call.id, media: call.requested });
  }

  notNow(call: CallView): void {
    this.host.send({ type: "call.decline", contact_id: call.contact_id, call_id: call.id });
  }

  /** Hang up: our camera and microphone stop at once; the call ends when the server says
   * so (`call.ended`), and a hang-up the connection could not carry goes out on reconnect. */
  hangUp(call: CallView): void {
    this.ending.add(call.id);
    if (this.peerCall?.id === call.id) this.drop();
    this.sendEnd(call);
  }

  /** The call was hung up here and is waiting for the server to end it. */
  isEnding(call: CallView): boolean {
    return this.ending.has(call.id);
  }

  private sendEnd(call: CallView): void {
    this.host.send({ type: "call.end", contact_id: call.contact_id, call_id: call.id });
  }

  /** A call.* event; answers the call's new view. */
  onEvent(ev: EventFrame): CallView {
    const call = ev.data["call"] as CallView;
    if (!LIVE_CALL.includes(call.state)) this.ending.delete(call.id);
    if (this.ending.has(call.id)) return call;
    const reloaded = ev.kind === "call.resumed" && ev.data["side"] === "visitor" && ev.data["renegotiate"] === true;
    if (reloaded && this.ours(call)) {
      void this.open(call, true); // the visitor's page lost its peer connection: offer anew
    } else if (ev.kind === "call.accepted" && this.ours(call) && this.peerCall?.id !== call.id) {
      void this.open(call, false);
    } else if ((call.state === "ended" || call.state === "declined") && this.peerCall?.id === call.id) {
      this.drop();
    } else if (this.peerCall?.id === call.id) {
      this.peerCall = call;
    }
    return call;
  }

  onSignal(sig: SignalFrame): void {
    if (!this.peer || sig.call_id !== this.peerCall?.id) return;
    const signal = (sig.description ? { description: sig.description } : { candidate: sig.candidate }) as CallSignal;
    void this.peer.receive(signal);
  }

  private async open(call: CallView, renew: boolean): Promise<void> {
    this.drop();
    this.renewing = renew;
    const peer = new CallPeer({
      ice: this.host.ice,
      sendVideo: sendsVideo("agent", call.requested, call.media),
      send: (signal) =>
        this.host.send({ type: "call.signal", contact_id: call.contact_id, call_id: call.id, ...signal }),
      onChange: () => {
        if (peer.state === "connected" && !reported) {
          reported = true;
          this.renewing = false;
          this.host.send({ type: "call.connected", contact_id: call.contact_id, call_id: call.id });
        }
        if (peer.state === "failed" && this.peer === peer) {
          void this.open(this.peerCall ?? call, true); // ICE itself failed: a fresh connection
          return;
        }
        this.host.changed();
      },
    });
    let reported = false;
    this.peer = peer;
    this.peerCall = call;
    await peer.open();
    if (this.peer === peer) await peer.offer();
  }

  drop(): void {
    this.peer?.close();
    this.peer = null;
    this.peerCall = null;
    this.renewing = false;
    this.host.changed();
  }
}

/** The state of a panel's voice or video icon, and its tooltip. */
export function callIcon(
  medium: "voice" | "video",
  opts: {
    call: CallView | null | undefined;
    terminated: boolean;
    serviceOffers: boolean;
    agentAllows: boolean;
    switchOn: boolean;
    visitor: { webrtc: boolean; camera: boolean; microphone: boolean } | null | undefined;
  },
): { state: CallIconState; why: string } {
  const label = medium === "voice" ? msg("Voice") : msg("Video");
  const { call } = opts;
  if (call && (call.state === "offered" || call.state === "accepted" || call.state === "connected")) {
    const same = call.requested === medium || (medium === "voice" && call.requested === "video");
    if (same) {
      if (call.state === "connected") return { state: "active", why: msg(str`${label}: in use — click to hang up`) };
      if (call.state === "accepted") return { state: "connecting", why: msg(str`${label}: connecting…`) };
      return {
        state: "connecting",
        why: call.started_by === "agent" ? msg(str`${label}: ringing — waiting for the visitor`) : msg(str`${label}: the visitor asks for a call`),
      };
    }
    return { state: "unavailable", why: msg(str`${label}: another call is in progress`) };
  }
  if (opts.terminated) return { state: "unavailable", why: msg(str`${label}: the contact has ended`) };
  if (!opts.serviceOffers) return { state: "unavailable", why: msg(str`${label}: not offered by this service`) };
  if (!opts.agentAllows) return { state: "unavailable", why: msg(str`${label}: not allowed in your profile`) };
  if (!opts.switchOn) return { state: "unavailable", why: msg(str`${label}: switched off in this console`) };
  const v = opts.visitor;
  if (v && !v.webrtc) return { state: "unavailable", why: msg(str`${label}: the visitor's browser cannot make calls`) };
  if (v && !v.microphone) return { state: "unavailable", why: msg(str`${label}: the visitor has no microphone`) };
  return {
    state: "available",
    why:
      v && medium === "video" && !v.camera
        ? msg(str`${label}: available — click to call (the visitor has no camera: they will send voice only)`)
        : msg(str`${label}: available — click to call`),
  };
}
