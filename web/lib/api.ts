/** The api's problem details (RFC 7807), with field messages for validation errors. */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Record<string, string[]>;
  [extension: string]: unknown;
}

/** A failed api call: the HTTP status and the problem details the api sent. */
export class APIError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemDetails = {},
  ) {
    super(problem.detail ?? problem.title ?? `The server answered ${status}.`);
    this.name = "APIError";
  }

  /** The message for one field, if the api reported one. */
  field(name: string): string | undefined {
    return this.problem.errors?.[name]?.[0];
  }
}

export type Priority = "low" | "normal" | "high";

export interface Task {
  id: string;
  title: string;
  description: string;
  completed: boolean;
  dueAt: string | null;
  priority: Priority;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface TaskList {
  items: Task[];
  total: number;
  limit: number;
  offset: number;
  hasMore: boolean;
}

export interface NewTask {
  title: string;
  description?: string;
  dueAt?: string | null;
  priority?: Priority;
}

export interface TaskChanges {
  title?: string;
  description?: string;
  completed?: boolean;
  dueAt?: string | null;
  clearDueAt?: boolean;
  priority?: Priority;
  version?: number;
}

export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

export interface ToolCallView {
  toolCallId: string;
  toolName: string;
  input: Record<string, unknown> | null;
  state: "input-available" | "approval-requested" | "output-available" | "output-error" | "output-denied";
  output?: unknown;
  errorText?: string | null;
  approvalId?: string | null;
}

export interface MessageView {
  id: string;
  role: "user" | "assistant" | "error";
  content: string;
  toolCalls: ToolCallView[];
  createdAt: string;
}

export interface ConversationDetail extends ConversationSummary {
  messages: MessageView[];
}

export interface ChatRequest {
  conversationId?: string | null;
  message?: string;
  approvals?: { approvalId: string; approved: boolean; reason?: string }[];
}

export interface ApiClientOptions {
  /** The api's base URL (NEXT_PUBLIC_API_URL): the one place it is set. */
  baseUrl: string;
  /** A bearer token for the api, fetched (and cached) by the caller. */
  getToken: () => Promise<string>;
  fetch?: typeof fetch;
}

/** A typed client for the McpStack api: bearer token on every call, problem details turned into APIError. */
export function createApiClient({ baseUrl, getToken, fetch: fetchImpl = fetch }: ApiClientOptions) {
  const base = baseUrl.replace(/\/$/, "");

  async function send(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${await getToken()}`);
    if (init.body !== undefined) headers.set("Content-Type", "application/json");
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, { ...init, headers });
    } catch {
      throw new APIError(0, { title: "The server cannot be reached.", detail: `Could not reach ${base}. Is the api running?` });
    }
    if (!response.ok) {
      let problem: ProblemDetails = {};
      try {
        problem = (await response.json()) as ProblemDetails;
      } catch {
        // Not JSON: the status says enough.
      }
      if (response.status === 429 && !problem.detail) {
        problem.detail = `Too many requests; try again in ${response.headers.get("Retry-After") ?? "a few"} s.`;
      }
      throw new APIError(response.status, problem);
    }
    return response;
  }

  async function json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await (await send(path, init)).json()) as T;
  }

  return {
    listTasks: (status: "all" | "pending" | "completed" = "all", limit = 100, offset = 0) =>
      json<TaskList>(`/api/tasks?status=${status}&limit=${limit}&offset=${offset}`),
    getTask: (id: string) => json<Task>(`/api/tasks/${encodeURIComponent(id)}`),
    createTask: (task: NewTask) => json<Task>("/api/tasks", { method: "POST", body: JSON.stringify(task) }),
    updateTask: (id: string, changes: TaskChanges) =>
      json<Task>(`/api/tasks/${encodeURIComponent(id)}`, { method: "PATCH", body: JSON.stringify(changes) }),
    deleteTask: async (id: string) => {
      await send(`/api/tasks/${encodeURIComponent(id)}`, { method: "DELETE" });
    },
    listConversations: () => json<ConversationSummary[]>("/api/conversations"),
    getConversation: (id: string) => json<ConversationDetail>(`/api/conversations/${encodeURIComponent(id)}`),
    deleteConversation: async (id: string) => {
      await send(`/api/conversations/${encodeURIComponent(id)}`, { method: "DELETE" });
    },
    chatModel: () => json<{ configured: boolean; description: string }>("/api/chat/model"),
    /** Starts a chat turn; the body is the UI message stream (see ui-stream.ts). */
    chat: async (request: ChatRequest, signal?: AbortSignal) => {
      const response = await send("/api/chat", { method: "POST", body: JSON.stringify(request), signal });
      if (!response.body) throw new APIError(response.status, { title: "The chat answered without a body." });
      return response.body;
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** Caches a token until shortly before its `exp`, so each call does not fetch a new one. */
export function cachedToken(fetchToken: () => Promise<string>, now: () => number = Date.now): () => Promise<string> {
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  return async () => {
    if (cached && cached.expiresAt - 30_000 > now()) return cached.token;
    pending ??= fetchToken()
      .then((token) => {
        cached = { token, expiresAt: expiryOf(token) ?? now() + 60_000 };
        return token;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

function expiryOf(token: string): number | undefined {
  try {
    const payload = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: number };
    return payload.exp ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
