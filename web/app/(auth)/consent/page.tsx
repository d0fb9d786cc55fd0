import { ConsentForm } from "@/components/ConsentForm";

export const metadata = { title: "Allow access · McpStack" };

export default function ConsentPage() {
  return <ConsentForm />;
}
