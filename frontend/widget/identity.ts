/**
 * Verified identity: a site whose visitor is signed in passes who they are, signed on its
 * server with the service's identity secret (docs/integrations.md). The widget only carries
 * the claim to the server, which alone can tell a good signature from a bad one; a claim
 * that does not verify leaves the visitor anonymous.
 *
 * Two ways in: the script tag's data-user-id, data-user-name, data-user-email,
 * data-user-issued-at and data-user-signature, or, once the page knows (a sign-in without a
 * reload), `window.Sportello.identify({user_id, name, email, issued_at, signature})`.
 */

export interface IdentityClaim {
  user_id: string;
  name: string;
  email: string;
  issued_at: number;
  signature: string;
}

/** The claim the script tag's attributes make, or null when it has no user id. */
export function identityFromDataset(data: DOMStringMap): IdentityClaim | null {
  const userId = (data.userId ?? "").trim();
  if (!userId) return null;
  return {
    user_id: userId,
    name: data.userName ?? "",
    email: data.userEmail ?? "",
    issued_at: Number(data.userIssuedAt ?? ""),
    signature: (data.userSignature ?? "").trim(),
  };
}

/** The page's claim as given to `identify`, kept only when it has the fields' types. */
export function identityFromObject(value: unknown): IdentityClaim | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.user_id !== "string" || !v.user_id) return null;
  return {
    user_id: v.user_id,
    name: typeof v.name === "string" ? v.name : "",
    email: typeof v.email === "string" ? v.email : "",
    issued_at: Number(v.issued_at),
    signature: typeof v.signature === "string" ? v.signature : "",
  };
}
