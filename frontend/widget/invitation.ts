/**
 * Proactive invitations (docs/protocol.md, Proactive invitations): the page's services'
 * rules decide whether, and after how long on this page, a bubble invites the visitor to
 * chat. Shown once per rule per browser tab session; each showing and acceptance is
 * reported to the server, which counts them for the reports.
 */

import { call } from "./api";
import type { InvitationRule, Service } from "./types";

export interface Invitation {
  serviceId: number;
  rule: number;
  text: string;
}

/** ``*`` any characters (none included), everything else literally — as the server. */
export function pathMatches(pattern: string, path: string): boolean {
  const escaped = pattern.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`).test(path);
}

/** The first rule of the page's services that applies to this page and visitor. */
export function findRule(
  services: Service[],
  path: string,
  returning: boolean,
): { service: Service; index: number; rule: InvitationRule } | null {
  for (const service of services) {
    const rules = service.invitations ?? [];
    for (let index = 0; index < rules.length; index++) {
      const rule = rules[index];
      if (rule.returning_only && !returning) continue;
      if (pathMatches(rule.path, path)) return { service, index, rule };
    }
  }
  return null;
}

const SEEN = "sportello:invited";

/** Whether this tab session showed the rule already (it is not shown twice). */
export function alreadyInvited(serviceId: number, rule: number): boolean {
  try {
    return (sessionStorage.getItem(SEEN) ?? "").split(",").includes(`${serviceId}:${rule}`);
  } catch {
    return false;
  }
}

export function markInvited(serviceId: number, rule: number): void {
  try {
    const seen = (sessionStorage.getItem(SEEN) ?? "").split(",").filter(Boolean);
    sessionStorage.setItem(SEEN, [...seen, `${serviceId}:${rule}`].join(","));
  } catch {
    // storage refused (private mode): the invitation may come again on the next page
  }
}

/** Tell the server (the reports count these); a failure costs a count, nothing else. */
export function reportInvitation(
  base: string,
  visitorId: string,
  invitation: Invitation,
  kind: "shown" | "accepted",
): void {
  void call(base, "/api/visitor/invitations", {
    body: { service_id: invitation.serviceId, visitor_id: visitorId, rule: invitation.rule, kind },
  }).catch(() => undefined);
}
