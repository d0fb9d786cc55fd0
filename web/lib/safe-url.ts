/**
 * The URL a link in the assistant's markdown may have: only absolute http(s) and mailto. For anything else
 * (javascript:, data:, a relative path a prompt-injected task wrote) react-markdown gets null, and the link is its text.
 */
export function safeUrl(url: string): string | null {
  try {
    return ["http:", "https:", "mailto:"].includes(new URL(url).protocol) ? url : null;
  } catch {
    return null;
  }
}
