/**
 * One side of a call: the RTCPeerConnection, the local camera/microphone and the controls
 * (mute, camera on/off, switch device, hang up). The console makes the WebRTC offer once
 * the call is accepted, and again on a fresh peer connection after either side reloaded
 * (docs/protocol.md, "Calls across reconnects"); the widget answers. Signalling goes through
 * `send` (a `call.signal` frame on the contact's WebSocket).
 */

import type { CallSignal, CallView, IceConfig, MediaCapabilities } from "./protocol";

export type PeerState = "new" | "connecting" | "connected" | "failed" | "closed";

export interface CallPeerOptions {
  ice: IceConfig;
  /** Send our video (see docs/protocol.md: the agent on a video call, the visitor if they
   * accepted with video). */
  sendVideo: boolean;
  send: (signal: CallSignal) => void;
  onChange: () => void;
}

export class CallPeer {
  readonly pc: RTCPeerConnection;
  local: MediaStream | null = null;
  readonly remote = new MediaStream();
  state: PeerState = "new";
  muted = false;
  cameraOff = false;
  error = "";
  private pending: RTCIceCandidateInit[] = [];
  /** Signalling is applied one message at a time, in order, after the devices opened. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: CallPeerOptions) {
    this.pc = new RTCPeerConnection({
      iceServers: options.ice.servers,
      iceTransportPolicy: options.ice.transport_policy,
    });
    this.pc.onicecandidate = (e) => {
      if (e.candidate) options.send({ candidate: e.candidate.toJSON() });
    };
    this.pc.ontrack = (e) => {
      if (!this.remote.getTracks().includes(e.track)) this.remote.addTrack(e.track);
      options.onChange();
    };
    this.pc.onconnectionstatechange = () => {
      const s = this.pc.connectionState;
      this.state = s === "connected" ? "connected" : s === "failed" ? "failed" : s === "closed" ? "closed" : "connecting";
      options.onChange();
    };
  }

  /** Open the camera/microphone and add the tracks this side sends. */
  open(): Promise<void> {
    this.queue = this.queue.then(() => this.openDevices());
    return this.queue;
  }

  private async openDevices(): Promise<void> {
    this.state = "connecting";
    try {
      this.local = await navigator.mediaDevices.getUserMedia({ audio: true, video: this.options.sendVideo });
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      this.local = new MediaStream();
    }
    for (const track of this.local.getTracks()) this.pc.addTrack(track, this.local);
    if (!this.options.sendVideo) {
      // We still want to see the other side's video.
      this.pc.addTransceiver("video", { direction: "recvonly" });
    }
    this.options.onChange();
  }

  async offer(): Promise<void> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    const d = this.pc.localDescription;
    if (d) this.options.send({ description: { type: d.type, sdp: d.sdp } });
  }

  receive(signal: CallSignal): Promise<void> {
    this.queue = this.queue.then(() => this.apply(signal)).catch((err: unknown) => {
      this.error = err instanceof Error ? err.message : String(err);
      this.options.onChange();
    });
    return this.queue;
  }

  private async apply(signal: CallSignal): Promise<void> {
    if (signal.description) {
      await this.pc.setRemoteDescription(signal.description);
      for (const c of this.pending.splice(0)) await this.pc.addIceCandidate(c);
      if (signal.description.type === "offer") {
        await this.pc.setLocalDescription(await this.pc.createAnswer());
        const d = this.pc.localDescription;
        if (d) this.options.send({ description: { type: d.type, sdp: d.sdp } });
      }
    } else if (signal.candidate) {
      if (!this.pc.remoteDescription) this.pending.push(signal.candidate);
      else await this.pc.addIceCandidate(signal.candidate);
    }
  }

  /** An offer/answer exchange has completed or started here (a new offer means a restart). */
  get negotiated(): boolean {
    return this.pc.remoteDescription !== null;
  }

  get sendsVideo(): boolean {
    return this.options.sendVideo;
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    for (const t of this.local?.getAudioTracks() ?? []) t.enabled = !muted;
    this.options.onChange();
  }

  setCameraOff(off: boolean): void {
    this.cameraOff = off;
    for (const t of this.local?.getVideoTracks() ?? []) t.enabled = !off;
    this.options.onChange();
  }

  /** Move to the next camera (or microphone, for a voice call) the browser lists. */
  async switchDevice(): Promise<void> {
    const kind: MediaDeviceKind = this.options.sendVideo ? "videoinput" : "audioinput";
    const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === kind);
    const current = (kind === "videoinput" ? this.local?.getVideoTracks() : this.local?.getAudioTracks())?.[0];
    if (devices.length < 2 || !current) return;
    const at = devices.findIndex((d) => d.deviceId === current.getSettings().deviceId);
    const next = devices[(at + 1) % devices.length]!;
    const constraint = { deviceId: { exact: next.deviceId } };
    const stream = await navigator.mediaDevices.getUserMedia(kind === "videoinput" ? { video: constraint } : { audio: constraint });
    const track = stream.getTracks()[0]!;
    const sender = this.pc.getSenders().find((s) => s.track === current);
    await sender?.replaceTrack(track);
    this.local?.removeTrack(current);
    current.stop();
    this.local?.addTrack(track);
    this.options.onChange();
  }

  close(): void {
    for (const t of this.local?.getTracks() ?? []) t.stop();
    this.pc.close();
    this.state = "closed";
  }
}

/** What this browser can do for calls, without asking for permission. */
export async function mediaCapabilities(): Promise<MediaCapabilities> {
  const webrtc = typeof RTCPeerConnection !== "undefined" && !!navigator.mediaDevices?.getUserMedia;
  if (!webrtc) return { webrtc, camera: false, microphone: false, permission: "unknown" };
  let camera = false;
  let microphone = false;
  try {
    const devices = await navigator.mediaDevices.enumerateDevices();
    camera = devices.some((d) => d.kind === "videoinput");
    microphone = devices.some((d) => d.kind === "audioinput");
  } catch {
    /* unknown: reported as absent */
  }
  let permission: MediaCapabilities["permission"] = "unknown";
  try {
    const status = await navigator.permissions.query({ name: "microphone" as PermissionName });
    permission = status.state;
  } catch {
    /* the Permissions API does not know this name here */
  }
  return { webrtc, camera, microphone, permission };
}

/** A side of the call is away (its connection went; the call waits for it to rejoin). */
export function interrupted(call: CallView): boolean {
  return !!call.agent_gone_at || !!call.visitor_gone_at;
}

/** Whether our side sends video (docs/protocol.md). */
export function sendsVideo(side: "agent" | "visitor", requested: string, media: string | null): boolean {
  if (requested !== "video") return false;
  return side === "agent" || media === "video";
}
