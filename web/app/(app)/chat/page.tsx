import { ChatView } from "@/components/ChatView";

export const metadata = { title: "Chat · McpStack" };

export default function ChatPage() {
  return <ChatView />;
}
