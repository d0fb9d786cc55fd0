import { AuthForm } from "@/components/AuthForm";

export const metadata = { title: "Sign in · McpStack" };

export default function SignInPage() {
  return <AuthForm mode="sign-in" />;
}
