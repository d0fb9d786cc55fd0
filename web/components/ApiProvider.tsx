"use client";

import { createContext, useContext, useMemo } from "react";
import { APIError, cachedToken, createApiClient, type ApiClient } from "@/lib/api";
import { authClient } from "@/lib/auth-client";

const ApiContext = createContext<ApiClient | null>(null);

/** Gives pages an api client that carries the signed-in user's JWT (from Better Auth's JWT plugin). */
export function ApiProvider({ apiUrl, children }: { apiUrl: string; children: React.ReactNode }) {
  const client = useMemo(
    () =>
      createApiClient({
        baseUrl: apiUrl,
        getToken: cachedToken(async () => {
          const { data, error } = await authClient.token();
          if (error || !data?.token) throw new APIError(401, { title: "Your session has ended. Sign in again." });
          return data.token;
        }),
      }),
    [apiUrl],
  );
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error("useApi needs an ApiProvider above it.");
  return client;
}
