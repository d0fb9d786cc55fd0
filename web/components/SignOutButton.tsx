"use client";

import { useRouter } from "next/navigation";
import { authClient } from "@/lib/auth-client";
import { quietButtonClass } from "./ui";

export function SignOutButton() {
  const router = useRouter();
  return (
    <button
      type="button"
      className={quietButtonClass}
      onClick={async () => {
        await authClient.signOut();
        router.push("/sign-in");
        router.refresh();
      }}
    >
      Sign out
    </button>
  );
}
