export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <p className="mb-4 text-sm font-semibold tracking-wide text-indigo-600 dark:text-indigo-400">McpStack</p>
        {children}
      </div>
    </main>
  );
}
