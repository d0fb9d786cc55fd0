// Browser tests against the real tiers (web + api + mcp on SQLite, no model key).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launchBrowser, signUpInBrowser, snapshot, step, waitForCount } from "./browser.mjs";
import { startStack } from "./stack.mjs";

let stack;
let browser;

before(async () => {
  stack = await startStack();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

const signUp = (name) => signUpInBrowser(browser, stack.webUrl, name);

describe("McpStack in a browser", { timeout: 180_000 }, () => {
  let alice;

  test("protected pages send a stranger to sign-in", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    let jsBytes = 0;
    page.on("response", async (response) => {
      if (response.url().endsWith(".js")) jsBytes += (await response.body().catch(() => Buffer.alloc(0))).length;
    });
    await step(page, "redirect-to-sign-in", async () => {
      await page.goto(`${stack.webUrl}/tasks`);
      await page.waitForURL("**/sign-in");
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
    });
    console.log(`First page load (/sign-in): ${(jsBytes / 1024).toFixed(0)} KiB of JavaScript (uncompressed). Screenshot: ${await snapshot(page, "sign-in")}`);
    await context.close();
  });

  test("a user adds, completes, edits and deletes tasks", async () => {
    alice = await signUp("alice");
    const { page } = alice;
    await step(page, "tasks-add", async () => {
      for (const title of ["Buy milk", "Call mum"]) {
        await page.getByLabel("New task").fill(title);
        await page.getByRole("button", { name: "Add" }).click();
        await page.getByTestId("task-row").filter({ hasText: title }).waitFor();
      }
    });
    await step(page, "tasks-complete", async () => {
      // The filter reloads the list: wait until the change is saved, or the list may be read before it.
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === "PATCH" && r.ok()),
        page.getByLabel("Mark “Buy milk” as done").check(),
      ]);
      await page.getByRole("button", { name: "completed", exact: true }).click();
      await page.getByTestId("task-row").filter({ hasText: "Buy milk" }).waitFor();
      await waitForCount(page.getByTestId("task-row"), 1);
      await page.getByRole("button", { name: "pending", exact: true }).click();
      await page.getByTestId("task-row").filter({ hasText: "Call mum" }).waitFor();
      await waitForCount(page.getByTestId("task-row"), 1);
      await page.getByRole("button", { name: "all", exact: true }).click();
    });
    await step(page, "tasks-edit", async () => {
      await page.getByRole("button", { name: "Edit “Call mum”" }).click();
      await page.getByLabel("Title").fill("Call mum tonight");
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByTestId("task-row").filter({ hasText: "Call mum tonight" }).waitFor();
    });
    await step(page, "tasks-delete", async () => {
      // The row goes at once (optimistic); the reload waits for the api's answer, which a reload would otherwise cancel.
      const deleted = page.waitForResponse((r) => r.request().method() === "DELETE" && r.url().includes("/api/tasks/"));
      await page.getByRole("button", { name: "Delete “Buy milk”" }).click();
      await page.getByTestId("task-row").filter({ hasText: "Buy milk" }).waitFor({ state: "detached" });
      assert.equal((await deleted).status(), 204);
      await page.reload();
      await page.getByTestId("task-row").filter({ hasText: "Call mum tonight" }).waitFor();
      await waitForCount(page.getByTestId("task-row"), 1);
    });
    console.log(`Screenshot: ${await snapshot(page, "tasks")}`);
  });

  test("the chat's /add adds a task the task list shows", async () => {
    const { page } = alice;
    await step(page, "chat-add", async () => {
      await page.getByRole("link", { name: "Chat" }).click();
      await page.getByTestId("slash-hint").waitFor();
      await page.getByLabel("Message").fill("/add Water the plants");
      await page.getByRole("button", { name: "Send" }).click();
      await page.getByText("Added “Water the plants”.").waitFor();
      await page.getByTestId("tool-card").filter({ hasText: "add_task" }).waitFor();
      await page.getByLabel("Message").fill("/list");
      await page.getByRole("button", { name: "Send" }).click();
      // The answer is markdown: /list's numbered list of open tasks ("1. [ ] …") renders as a list with checkboxes.
      const items = page.getByTestId("assistant-text").last().getByRole("listitem");
      await items.filter({ hasText: "Water the plants" }).waitFor();
      assert.deepEqual((await items.allInnerTexts()).map((t) => t.trim()), ["Call mum tonight", "Water the plants"]);
      await page.getByTestId("conversation-list").getByText("/add Water the plants").waitFor();
    });
    console.log(`Screenshot: ${await snapshot(page, "chat")}`);
    await step(page, "chat-to-tasks", async () => {
      await page.getByRole("link", { name: "Tasks" }).click();
      await page.getByTestId("task-row").filter({ hasText: "Water the plants" }).waitFor();
    });
  });

  test("the task page says what went wrong: the api down, a task changed elsewhere, too many writes", async () => {
    const carol = await signUp("carol");
    const { page } = carol;
    const { token } = await (await page.request.get(`${stack.webUrl}/api/auth/token`)).json();
    const api = (method, path, body) =>
      fetch(stack.apiUrl + path, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body && JSON.stringify(body) });
    const alert = (text) => page.getByRole("alert").filter({ hasText: text });

    await step(page, "error-api-down", async () => {
      // The browser cannot reach the api at all, as when it is stopped.
      await page.route(`${stack.apiUrl}/**`, (route) => route.abort("connectionrefused"));
      await page.reload();
      await alert("Is the api running?").waitFor();
      await page.unroute(`${stack.apiUrl}/**`);
      await page.reload();
      await page.getByText("No tasks yet").waitFor();
    });
    await step(page, "error-conflict", async () => {
      await page.getByLabel("New task").fill("Contended");
      await page.getByRole("button", { name: "Add" }).click();
      await page.getByTestId("task-row").filter({ hasText: "Contended" }).waitFor();
      const [task] = (await (await api("GET", "/api/tasks")).json()).items;
      assert.equal((await api("PATCH", `/api/tasks/${task.id}`, { title: "Changed elsewhere", version: task.version })).status, 200);
      await page.getByLabel("Mark “Contended” as done").check();
      await alert("changed elsewhere").waitFor();
      await page.getByTestId("task-row").filter({ hasText: "Changed elsewhere" }).waitFor();
    });
    await step(page, "error-rate-limit", async () => {
      let status = 0;
      for (let i = 0; i < 200 && status !== 429; i++) status = (await api("POST", "/api/tasks", { title: `Bulk ${i}` })).status;
      assert.equal(status, 429);
      await page.getByLabel("New task").fill("One too many");
      await page.getByRole("button", { name: "Add" }).click();
      await alert("try again in").waitFor();
    });
    console.log(`Screenshot: ${await snapshot(page, "tasks-rate-limited")}`);
    await carol.context.close();
  });

  test("another user sees none of the first user's tasks or conversations", async () => {
    const bob = await signUp("bob");
    const { page } = bob;
    await step(page, "isolation", async () => {
      await waitForCount(page.getByTestId("task-row"), 0);
      await page.getByRole("link", { name: "Chat" }).click();
      await page.getByText("No conversations yet.").waitFor();
      assert.equal(await page.getByText("Water the plants").count(), 0);
    });
    await step(page, "sign-out", async () => {
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL("**/sign-in");
      await page.goto(`${stack.webUrl}/chat`);
      await page.waitForURL("**/sign-in");
    });
    await bob.context.close();
    await alice.context.close();
  });
});
