import { TasksView } from "@/components/TasksView";

export const metadata = { title: "Tasks · McpStack" };

export default function TasksPage() {
  return <TasksView />;
}
