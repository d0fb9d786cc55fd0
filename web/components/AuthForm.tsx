"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { authClient } from "@/lib/auth-client";
import { homePath } from "@/lib/domain";
import { buttonClass, ErrorMessage, inputClass } from "./ui";

/** Sign-in and sign-up with email and password (Better Auth). */
export function AuthForm({ mode }: { mode: "sign-in" | "sign-up" }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const signUp = mode === "sign-up";
  // An MCP client's sign-in arrives with the signed authorization request in the query; switching between sign-in and
  // sign-up keeps it, and the auth client sends it along so Better Auth resumes the authorization afterwards.
  const [oauthQuery, setOauthQuery] = useState("");
  useEffect(() => setOauthQuery(new URLSearchParams(window.location.search).has("client_id") ? window.location.search : ""), []);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    const password = String(form.get("password"));
    setBusy(true);
    setError(undefined);
    const { data, error } = signUp
      ? await authClient.signUp.email({ email, password, name: String(form.get("name")) })
      : await authClient.signIn.email({ email, password });
    setBusy(false);
    if (error) {
      setError(error.message ?? (signUp ? "Could not create the account." : "Wrong email or password."));
      return;
    }
    // Resuming an authorization: Better Auth answered with where to go next (the consent page, or the client), and
    // its client is already navigating there.
    if (data && "redirect" in data && data.redirect) return;
    router.push(homePath);
    router.refresh();
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-describedby={error ? "auth-error" : undefined}>
      <h1 className="text-xl font-semibold">{signUp ? "Create your account" : "Sign in"}</h1>
      {signUp && (
        <label className="block text-sm">
          <span className="mb-1 block font-medium">Name</span>
          <input name="name" required autoComplete="name" className={inputClass} />
        </label>
      )}
      <label className="block text-sm">
        <span className="mb-1 block font-medium">Email</span>
        <input name="email" type="email" required autoComplete="email" className={inputClass} />
      </label>
      <label className="block text-sm">
        <span className="mb-1 block font-medium">Password</span>
        <input name="password" type="password" required minLength={8} autoComplete={signUp ? "new-password" : "current-password"} className={inputClass} />
        {signUp && <span className="mt-1 block text-xs text-slate-500">At least 8 characters.</span>}
      </label>
      <div id="auth-error">
        <ErrorMessage>{error}</ErrorMessage>
      </div>
      <button type="submit" disabled={busy} className={`${buttonClass} w-full`}>
        {busy ? "Please wait…" : signUp ? "Sign up" : "Sign in"}
      </button>
      <p className="text-center text-sm text-slate-600 dark:text-slate-400">
        {signUp ? "Already have an account? " : "New here? "}
        <Link href={(signUp ? "/sign-in" : "/sign-up") + oauthQuery} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          {signUp ? "Sign in" : "Create an account"}
        </Link>
      </p>
    </form>
  );
}
