import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { quietButtonClass } from "@/components/ui";
import { getAuth } from "@/lib/auth";
import { disconnectApp, listConnectedApps } from "@/lib/connected-apps";
import { describeScope, parseScopes } from "@/lib/scopes";

export const metadata = { title: "Connected apps · McpStack" };
export const dynamic = "force-dynamic";

async function currentUserId() {
  const session = await getAuth().api.getSession({ headers: await headers() });
  if (!session) redirect("/sign-in");
  return session.user.id;
}

async function disconnect(form: FormData) {
  "use server";
  await disconnectApp(await currentUserId(), String(form.get("consentId")));
  revalidatePath("/connected-apps");
}

const when = (date: Date) => date.toLocaleString("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";

/** The MCP clients the user allowed, what each may do, and a way to disconnect each. */
export default async function ConnectedAppsPage() {
  const apps = await listConnectedApps(await currentUserId());
  return (
    <section className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">Connected apps</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          MCP clients you allowed to use your account. Disconnecting one stops it at once from getting new tokens; a token
          it already holds lasts at most five minutes.
        </p>
      </div>
      {apps.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="no-apps">
          No apps are connected. Connect an MCP client (the MCP Inspector, VS Code, Claude…) to this server and sign in
          here when it asks.
        </p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
          {apps.map((app) => (
            <li key={app.consentId} className="flex flex-wrap items-start gap-3 p-4" data-testid="connected-app">
              <div className="min-w-0 flex-1 space-y-1">
                <p className="font-medium" data-testid="app-name">{app.name}</p>
                <ul className="text-sm text-slate-600 dark:text-slate-400">
                  {parseScopes(app.scopes.join(" ")).map((scope) => (
                    <li key={scope} data-scope={scope}>{describeScope(scope)}</li>
                  ))}
                </ul>
                <p className="text-xs text-slate-500">
                  Connected {when(app.connectedAt)} · last used {when(app.lastUsedAt)}
                </p>
              </div>
              <form action={disconnect}>
                <input type="hidden" name="consentId" value={app.consentId} />
                <button type="submit" className={quietButtonClass}>Disconnect</button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
