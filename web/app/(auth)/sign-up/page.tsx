import { AuthForm } from "@/components/AuthForm";

export const metadata = { title: "Sign up · McpStack" };

export default function SignUpPage() {
  return <AuthForm mode="sign-up" />;
}
