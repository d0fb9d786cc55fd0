import { redirect } from "next/navigation";
import { homePath } from "@/lib/domain";

export default function Home() {
  redirect(homePath);
}
