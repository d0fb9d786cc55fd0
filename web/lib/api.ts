import createClient from "openapi-fetch";
import type { components, operations, paths } from "./generated/api-schema";

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

/** The APIError for a server that cannot be reached at all. */
export const unreachable = (baseUrl: string) =>
  new APIError(0, { title: "The server cannot be reached.", detail: `Could not reach ${baseUrl}. Is the api running?` });

/** The APIError for a refused call: the problem details it answered (a 429 without a detail says when to try again). */
export function refused(response: Response, body: unknown): APIError {
  const problem: ProblemDetails = typeof body === "object" && body !== null ? { ...(body as ProblemDetails) } : {};
  if (response.status === 429 && !problem.detail) {
    problem.detail = `Too many requests; try again in ${response.headers.get("Retry-After") ?? "a few"} s.`;
  }
  return new APIError(response.status, problem);
}

type Schemas = components["schemas"];

// The api's types, generated from its OpenAPI document (lib/generated: npm run generate:api), under the page's names.
//#if (sampleTasks)
export type Priority = Schemas["TaskPriority"];
export type Task = Schemas["TaskDto"];
export type TaskList = Schemas["TaskListResponse"];
export type NewTask = Schemas["CreateTaskRequest"];
export type TaskChanges = Schemas["UpdateTaskRequest"];
export type TaskStatus = NonNullable<operations["ListTasks"]["parameters"]["query"]>["status"];
//#endif
export type ConversationSummary = Schemas["ConversationSummary"];
export type ConversationDetail = Schemas["ConversationDetail"];
export type MessageView = Schemas["MessageView"];
export type ToolCallView = Schemas["ToolCallView"];
export type ChatRequest = Schemas["ChatRequest"];
export type ToolInfo = Schemas["ToolInfo"];
export type PromptInfo = Schemas["PromptInfo"];

export interface ApiClientOptions {
  /** The api's base URL (NEXT_PUBLIC_API_URL): the one place it is set. */
  baseUrl: string;
  /** A bearer token for the api, fetched (and cached) by the caller. */
  getToken: () => Promise<string>;
  /** What sends each request (a test's fake); the global fetch by default. */
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * The McpStack api, typed from its OpenAPI document (openapi-fetch over the generated paths): the bearer token on
 * every call, and problem details turned into APIError.
 */
export function createApiClient({ baseUrl, getToken, fetch: fetchImpl = (request) => fetch(request) }: ApiClientOptions) {
  const base = baseUrl.replace(/\/$/, "");
  const client = createClient<paths>({ baseUrl: base, fetch: fetchImpl });
  client.use({
    async onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${await getToken()}`);
      return request;
    },
  });

  /** The call's data, or the APIError its problem details make. */
  async function call<T>(sent: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    let result: { data?: T; error?: unknown; response: Response };
    try {
      result = await sent;
    } catch (error) {
      if (error instanceof APIError) throw error;
      throw unreachable(base);
    }
    const { data, error, response } = result;
    if (response.ok) return data as T;
    throw refused(response, error);
  }

  const id = (value: string) => ({ params: { path: { id: value } } });

  return {
    //#if (sampleTasks)
    listTasks: (status: TaskStatus = "all", limit = 100, offset = 0) => call(client.GET("/api/tasks", { params: { query: { status, limit, offset } } })),
    getTask: (taskId: string) => call(client.GET("/api/tasks/{id}", id(taskId))),
    createTask: (task: NewTask) => call(client.POST("/api/tasks", { body: task })),
    updateTask: (taskId: string, changes: TaskChanges) => call(client.PATCH("/api/tasks/{id}", { ...id(taskId), body: changes })),
    deleteTask: async (taskId: string) => {
      await call(client.DELETE("/api/tasks/{id}", id(taskId)));
    },
    //#endif
    listConversations: () => call(client.GET("/api/conversations")),
    getConversation: (conversationId: string) => call(client.GET("/api/conversations/{id}", id(conversationId))),
    deleteConversation: async (conversationId: string) => {
      await call(client.DELETE("/api/conversations/{id}", id(conversationId)));
    },
    /** Stops the answer being written in the conversation, on whatever replica writes it (kept as stopped). */
    stopTurn: async (conversationId: string) => {
      await call(client.POST("/api/conversations/{id}/stop", id(conversationId)));
    },
    chatModel: () => call(client.GET("/api/chat/model")),
    /** The MCP server's tools: each one's view (MCP Apps), who may call it, whether it needs the user's yes. */
    listTools: () => call(client.GET("/api/tools")),
    /** Calls a tool as the signed-in user; a destructive one only once the user said yes (confirmed). */
    callTool: (name: string, args: Record<string, unknown>, confirmed = false) =>
      call(client.POST("/api/tools/{name}", { params: { path: { name }, query: { confirmed } }, body: args as never })),
    /** One of the MCP server's resources (a tool's view, a task), read as the signed-in user. */
    readResource: (uri: string) => call(client.POST("/api/resources/read", { body: { uri } })),
    /** The MCP server's prompts, for the slash menu. */
    listPrompts: () => call(client.GET("/api/prompts")),
    /** A prompt's text, filled in by the server for the signed-in user. */
    getPrompt: (name: string, args: Record<string, string>) => call(client.POST("/api/prompts/{name}", { params: { path: { name } }, body: { arguments: args } })),
    /** Values one of a prompt's arguments can take, starting with what was typed (the server's completions). */
    completePromptArgument: (name: string, argument: string, value: string) =>
      call(client.POST("/api/prompts/{name}/complete", { params: { path: { name } }, body: { argument, value } })),
    /** For the chat's transport (lib/chat.ts), which streams POST /api/chat itself. */
    baseUrl: base,
    getToken,
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
