import { toNextJsHandler } from "better-auth/next-js";
import { getAuth } from "@/lib/auth";
import { preflight, withPublicCors } from "@/lib/oauth-cors";

export const dynamic = "force-dynamic";

export const GET = async (request: Request) => withPublicCors(request, await toNextJsHandler(getAuth()).GET(request));
export const POST = async (request: Request) => withPublicCors(request, await toNextJsHandler(getAuth()).POST(request));
export const OPTIONS = preflight;
