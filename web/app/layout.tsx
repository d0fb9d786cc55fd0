import type { Metadata } from "next";
import { ApiProvider } from "@/components/ApiProvider";
import { apiUrl } from "@/lib/config";
import { appDescription } from "@/lib/domain";
import "./globals.css";

// Settings (the api's URL) are read when a page is served, not when it is built.
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "McpStack", description: appDescription };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <ApiProvider apiUrl={apiUrl()}>{children}</ApiProvider>
      </body>
    </html>
  );
}
