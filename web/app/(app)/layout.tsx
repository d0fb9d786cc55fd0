import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { NavLink } from "@/components/NavLink";
import { SignOutButton } from "@/components/SignOutButton";
import { getAuth } from "@/lib/auth";

/** Pages for signed-in users only: anyone else goes to sign-in. */
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const session = await getAuth().api.getSession({ headers: await headers() });
  if (!session) redirect("/sign-in");

  return (
    <div className="mx-auto flex min-h-screen max-w-5xl flex-col px-4">
      <header className="flex flex-wrap items-center gap-3 border-b border-slate-200 py-3 dark:border-slate-800">
        <span className="font-semibold text-indigo-600 dark:text-indigo-400">McpStack</span>
        <nav aria-label="Main" className="flex gap-1">
          {/*#if (sampleTasks)*/}
          <NavLink href="/tasks">Tasks</NavLink>
          {/*#endif*/}
          <NavLink href="/chat">Chat</NavLink>
          <NavLink href="/connected-apps">Connected apps</NavLink>
        </nav>
        <span className="ml-auto truncate text-sm text-slate-600 dark:text-slate-400" data-testid="user-email">
          {session.user.email}
        </span>
        <SignOutButton />
      </header>
      <main className="flex-1 py-6">{children}</main>
    </div>
  );
}
