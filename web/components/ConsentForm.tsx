"use client";

import { useEffect, useState } from "react";
import { authClient } from "@/lib/auth-client";
import { displayName } from "@/lib/client-name";
import { describeScope, namesTheProduct, parseScopes, redirectHost } from "@/lib/scopes";
import { buttonClass, ErrorMessage, quietButtonClass } from "./ui";

type Request = { clientId: string; scopes: string[]; host?: string };
type Client = { name: string; uri?: string };

/**
 * The consent step of an MCP client's sign-in: which app, where it sends you back, and what it may do. Better Auth
 * sends the user here with the signed authorization request in the query; Allow and Deny post it back (the auth
 * client adds it), and Better Auth answers with the client's redirect, which the auth client follows.
 */
export function ConsentForm() {
  const [request, setRequest] = useState<Request | null>();
  const [client, setClient] = useState<Client>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // The user may grant less than asked (read but not write, say); the client can ask again when it needs more.
  const [granted, setGranted] = useState<Set<string>>(new Set());

  useEffect(() => {
    const query = new URLSearchParams(window.location.search);
    const clientId = query.get("client_id");
    if (!clientId || !query.get("sig")) {
      setRequest(null);
      return;
    }
    const scopes = parseScopes(query.get("scope"));
    setRequest({ clientId, scopes, host: redirectHost(query.get("redirect_uri")) });
    setGranted(new Set(scopes));
    void authClient.oauth2.publicClient({ query: { client_id: clientId } }).then(({ data, error }) => {
      if (error || !data) setError("This app is not registered here any more, or your session ended. Start again from the app.");
      else setClient({ name: displayName(data.client_name), uri: data.client_uri ?? undefined });
    });
  }, []);

  async function answer(accept: boolean) {
    setBusy(true);
    setError(undefined);
    // Everything shown granted: no scope, so Better Auth grants the whole request (which may be more than this page
    // asked about, when the user allowed part of it before).
    const scopes = request?.scopes.filter((s) => granted.has(s)) ?? [];
    const { error } = await authClient.oauth2.consent(accept && scopes.length < (request?.scopes.length ?? 0) ? { accept, scope: scopes.join(" ") } : { accept });
    if (error) {
      setBusy(false);
      setError(error.status === 400 ? "This request has expired. Start again from the app." : (error.message ?? "Could not answer the request. Try again."));
    }
    // On success Better Auth's client is already taking the browser back to the app.
  }

  if (request === undefined) return <p className="text-sm text-slate-600 dark:text-slate-400">Loading…</p>;
  if (request === null) {
    return (
      <div className="space-y-3">
        <h1 className="text-xl font-semibold">Nothing to allow</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          This page opens when an app, such as an MCP client, asks to use your McpStack account. Start from that app.
        </p>
      </div>
    );
  }

  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">
        {/* The name is the app's own word: quoted, isolated from the sentence around it, never taken for ours. */}
        Allow “<bdi data-testid="consent-client">{client?.name ?? "…"}</bdi>” to use your account?
      </h1>
      <p className="rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200" data-testid="consent-unverified">
        <strong>Unverified app.</strong> It registered itself; McpStack has not checked who made it or what it does.
        {client && namesTheProduct(client.name) && (
          <span data-testid="consent-impersonation"> Its name mentions McpStack, but it is not part of McpStack.</span>
        )}
      </p>
      {request.host && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          After you answer, you go back to <strong data-testid="consent-host">{request.host}</strong>.
        </p>
      )}
      <div>
        <p className="mb-1 text-sm font-medium">It will be able to:</p>
        <ul className="space-y-1 text-sm" data-testid="consent-scopes">
          {request.scopes.map((scope) => (
            <li key={scope} data-scope={scope} className="list-none">
              <label className="flex items-start gap-2">
                <input
                  type="checkbox"
                  className="mt-0.5"
                  checked={granted.has(scope)}
                  onChange={(event) =>
                    setGranted((current) => {
                      const next = new Set(current);
                      if (event.target.checked) next.add(scope);
                      else next.delete(scope);
                      return next;
                    })
                  }
                />
                {describeScope(scope)}
              </label>
            </li>
          ))}
        </ul>
      </div>
      <p className="text-xs text-slate-500">You can disconnect it at any time under Connected apps.</p>
      <ErrorMessage>{error}</ErrorMessage>
      <div className="flex gap-2">
        <button type="button" onClick={() => answer(true)} disabled={busy || !client || granted.size === 0} className={`${buttonClass} flex-1`}>
          Allow
        </button>
        <button type="button" onClick={() => answer(false)} disabled={busy || !client} className={`${quietButtonClass} flex-1`}>
          Deny
        </button>
      </div>
    </div>
  );
}
