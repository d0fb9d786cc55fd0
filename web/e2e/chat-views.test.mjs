// Tool results people can use: the MCP server's views (MCP Apps) in McpStack's chat, driven by the ext-apps host
// bridge in Chromium. The list view after a list_tasks call, acting through the tools (read back from the database
// through the api), a delete that asks first, the page's dark mode, what the sandbox keeps from a view, another user's
// ids from a view, the views of a conversation opened again, and the server's prompts in the slash menu. All three
// tiers, a scripted OpenAI-compatible model.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launchBrowser, signUpOnChat, snapshot, step } from "./browser.mjs";
import { modelSettings, startFakeOpenAi } from "./fake-openai.mjs";
import { signUpByApi, startStack } from "./stack.mjs";

let model;
let stack;
let browser;

before(async () => {
  model = await startFakeOpenAi();
  stack = await startStack({ env: modelSettings(model) });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  await model?.close();
});

const lastRole = (messages) => messages.at(-1)?.role;

/** The api, as the signed-in page calls it (its own token), or as another user (a token from signUpByApi). */
async function apiAs(page, method, path, body) {
  return page.evaluate(
    async ({ apiUrl, method, path, body }) => {
      const { token } = await (await fetch("/api/auth/token")).json();
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: response.status === 204 ? null : await response.json().catch(() => null) };
    },
    { apiUrl: stack.apiUrl, method, path, body },
  );
}

async function apiWithToken(token, method, path, body) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** Asks the chat to list the tasks (the model calls list_tasks, then answers) and returns the list view's frame. */
async function listInChat(page, question = "What is on my list?") {
  model.script = (messages) => (lastRole(messages) === "tool" ? { text: "Here they are." } : { toolCalls: [{ name: "list_tasks", arguments: {} }] });
  await page.getByLabel("Message").fill(question);
  await page.getByLabel("Message").press("Enter");
  await page.getByTestId("assistant-text").last().getByText("Here they are.").waitFor();
  return viewFrame(page, -1);
}

/** The frame of a view in the chat (the last one by default), once the view has drawn the call's result. */
async function viewFrame(page, index) {
  const view = page.getByTestId("tool-view").nth(index);
  await view.waitFor();
  const frame = await (await view.locator("iframe").elementHandle()).contentFrame();
  await frame.waitForFunction(() => typeof view === "object" && document.getElementById("summary")?.textContent !== "Loading…");
  return frame;
}

describe("tool results in their views", { timeout: 240_000 }, () => {
  test("the list view shows the call's tasks; checking one completes it, and the view shows it done", async () => {
    const { page } = await signUpOnChat(browser, stack.webUrl, "vera");
    await step(page, "views-list", async () => {
      const milk = (await apiAs(page, "POST", "/api/tasks", { title: "Buy milk" })).body;
      await apiAs(page, "POST", "/api/tasks", { title: "Call the dentist" });
      const frame = await listInChat(page);
      await frame.getByText("Buy milk").waitFor();
      await frame.getByText("Call the dentist").waitFor();
      assert.equal(await frame.locator("#summary").textContent(), "2 tasks.");
      assert.equal(await page.getByTestId("tool-view").getAttribute("data-view"), "ui://tasks/list");
      // The JSON stays one click away, in the card under the view.
      assert.equal(await page.getByTestId("tool-card").filter({ hasText: "list_tasks" }).evaluate((d) => d.open), false);
      // Sized to its content: the frame is as tall as the view's two rows and controls, not a fixed box.
      const height = await page.getByTestId("tool-view").locator("iframe").evaluate((f) => f.getBoundingClientRect().height);
      assert.ok(height > 120 && height < 600, `frame height ${height}`);

      await frame.getByRole("checkbox", { name: "Done: Buy milk" }).check();
      await frame.locator(`li.done[data-task-id="${milk.id}"]`).waitFor();
      assert.equal((await apiAs(page, "GET", `/api/tasks/${milk.id}`)).body.completed, true);

      // Renamed in the view, through update_task.
      await frame.getByRole("button", { name: "Call the dentist", exact: true }).click();
      await frame.getByLabel("New title for “Call the dentist”").fill("Call the dentist at 9");
      await frame.getByLabel("New title for “Call the dentist”").press("Enter");
      await frame.getByText("Call the dentist at 9").waitFor();
      // Added in the view, through add_task, and the filter asks list_tasks again.
      await frame.getByLabel("New task").fill("Water the plants");
      await frame.getByRole("button", { name: "Add" }).click();
      await frame.getByText("Water the plants").waitFor();
      await frame.getByRole("button", { name: "Pending" }).click();
      await frame.locator("#summary").filter({ hasText: "2 pending tasks." }).waitFor();
      assert.equal(await frame.getByText("Buy milk").count(), 0);
      const titles = (await apiAs(page, "GET", "/api/tasks")).body.items.map((t) => t.title).sort();
      assert.deepEqual(titles, ["Buy milk", "Call the dentist at 9", "Water the plants"]);
      await snapshot(page, "chat-task-list-view");

      // Opened again later: the view is drawn again from the stored result (as the call returned it).
      await page.reload();
      const again = await viewFrame(page, -1);
      await again.getByText("Call the dentist").first().waitFor();
      assert.equal(await again.locator("#summary").textContent(), "2 tasks.");
      assert.equal(await again.getByRole("checkbox", { name: "Done: Buy milk" }).isChecked(), false);
    });
  });

  test("a delete from a view asks the user first, in the page, and does nothing on no", async () => {
    const { page } = await signUpOnChat(browser, stack.webUrl, "wren");
    await step(page, "views-delete", async () => {
      const task = (await apiAs(page, "POST", "/api/tasks", { title: "Old receipts" })).body;
      const frame = await listInChat(page);
      await frame.getByRole("button", { name: "Delete “Old receipts”" }).click();
      const confirm = page.getByTestId("view-confirm");
      await confirm.getByText("Delete “Old receipts”?").waitFor();
      await confirm.getByRole("button", { name: "No" }).click();
      await frame.getByText("You said no: nothing was changed.").waitFor();
      assert.equal((await apiAs(page, "GET", `/api/tasks/${task.id}`)).status, 200);

      await frame.getByRole("button", { name: "Delete “Old receipts”" }).click();
      await confirm.getByRole("button", { name: "Yes" }).click();
      await frame.locator("#summary").filter({ hasText: "No tasks." }).waitFor();
      assert.equal((await apiAs(page, "GET", `/api/tasks/${task.id}`)).status, 404);
      assert.equal(await confirm.count(), 0);

      // Without the user's yes, the api itself refuses the destructive call a page (or a view's host) sends.
      const other = (await apiAs(page, "POST", "/api/tasks", { title: "Keep me" })).body;
      const unconfirmed = await apiAs(page, "POST", "/api/tools/delete_task", { id: other.id });
      assert.equal(unconfirmed.status, 428);
      assert.match(unconfirmed.body.detail, /cannot be undone/);
      assert.equal((await apiAs(page, "GET", `/api/tasks/${other.id}`)).status, 200);
    });
  });

  test("the view follows the page's dark mode, and changes with it", async () => {
    const context = await browser.newContext({ colorScheme: "dark" });
    const page = await context.newPage();
    await step(page, "views-dark", async () => {
      const { cookie } = await signUpByApi(stack, "nox");
      await context.addCookies(cookie.split("; ").map((c) => ({ name: c.slice(0, c.indexOf("=")), value: c.slice(c.indexOf("=") + 1), url: stack.webUrl })));
      await page.goto(`${stack.webUrl}/chat`);
      await page.getByTestId("suggestions").waitFor();
      await apiAs(page, "POST", "/api/tasks", { title: "Night shift" });
      const frame = await listInChat(page);
      const look = () => frame.evaluate(() => ({ theme: document.documentElement.dataset.theme, background: getComputedStyle(document.body).backgroundColor }));
      assert.deepEqual(await look(), { theme: "dark", background: "rgb(15, 23, 42)" });
      await snapshot(page, "chat-task-list-view-dark");
      await page.emulateMedia({ colorScheme: "light" });
      await frame.waitForFunction(() => document.documentElement.dataset.theme === "light");
      assert.deepEqual(await look(), { theme: "light", background: "rgb(255, 255, 255)" });
    });
    await context.close();
  });

  test("a view cannot read the page's cookies or token, reach the api, or navigate the page", async () => {
    const { page } = await signUpOnChat(browser, stack.webUrl, "sage");
    await step(page, "views-sandbox", async () => {
      await apiAs(page, "POST", "/api/tasks", { title: "Secret plan" });
      const frame = await listInChat(page);
      const url = page.url();
      const tried = await frame.evaluate(async (webUrl) => {
        const attempt = async (what) => {
          try {
            const value = await what();
            return `allowed: ${String(value).slice(0, 40)}`;
          } catch (e) {
            return e.name;
          }
        };
        return {
          origin: window.origin,
          cookie: await attempt(() => document.cookie),
          storage: await attempt(() => window.localStorage.length),
          parentDom: await attempt(() => window.parent.document.title),
          token: await attempt(() => fetch(`${webUrl}/api/auth/token`).then((r) => r.status)),
          top: await attempt(() => {
            window.top.location.href = "about:blank#escaped";
            return "navigated";
          }),
        };
      }, stack.webUrl);
      assert.equal(tried.origin, "null"); // opaque
      assert.equal(tried.cookie, "SecurityError");
      assert.equal(tried.storage, "SecurityError");
      assert.equal(tried.parentDom, "SecurityError");
      assert.equal(tried.token, "TypeError"); // refused by the frame's policy (connect-src 'none')
      assert.notEqual(tried.top, "navigated");
      await page.waitForTimeout(300);
      assert.equal(page.url(), url);
    });
  });

  test("a view's calls for another user's task change nothing", async () => {
    const { page } = await signUpOnChat(browser, stack.webUrl, "ivo");
    await step(page, "views-other-user", async () => {
      const other = await signUpByApi(stack, "mallory");
      const theirs = (await apiWithToken(other.token, "POST", "/api/tasks", { title: "Mallory's task" })).body;
      await apiAs(page, "POST", "/api/tasks", { title: "Mine" });
      const frame = await listInChat(page);
      // The view's own script calls what a tampered view would: another user's ids, through the host.
      const completed = await frame.evaluate((id) => view.callTool("complete_task", { id, completed: true }), theirs.id);
      assert.equal(completed.isError, true);
      assert.match(completed.content[0].text, /No task with id/);
      const renamed = await frame.evaluate((id) => view.callTool("update_task", { id, title: "pwned" }), theirs.id);
      assert.equal(renamed.isError, true);
      const deleting = frame.evaluate((id) => view.callTool("delete_task", { id }), theirs.id);
      await page.getByTestId("view-confirm").getByRole("button", { name: "Yes" }).click();
      assert.equal((await deleting).isError, true);
      const read = await frame.evaluate((id) => view.callTool("get_task", { id }), theirs.id);
      assert.equal(read.isError, true);
      const after = (await apiWithToken(other.token, "GET", `/api/tasks/${theirs.id}`)).body;
      assert.deepEqual([after.title, after.completed], ["Mallory's task", false]);
    });
  });

  test("the server's prompts are in the slash menu with their arguments' values; picking one sends its text, filled in for the user", async () => {
    const { page } = await signUpOnChat(browser, stack.webUrl, "pia");
    await step(page, "views-prompts", async () => {
      await apiAs(page, "POST", "/api/tasks", { title: "Pay rent", dueAt: new Date(Date.now() - 86_400_000).toISOString(), priority: "high" });
      await page.getByLabel("Message").fill("/");
      const menu = page.getByTestId("slash-menu");
      await menu.getByText("/plan_my_day").waitFor();
      await menu.getByText("/weekly_review").waitFor();
      await menu.getByText("/triage_overdue").waitFor();
      await page.getByLabel("Message").fill("/week");
      assert.equal(await menu.getByRole("option").count(), 1);

      model.script = () => ({ text: "Your week looks fine." });
      const before = model.requests.length;
      await menu.getByText("/weekly_review").click();
      await page.getByTestId("assistant-text").last().getByText("Your week looks fine.").waitFor();
      const sent = model.requests.slice(before).at(-1).messages.filter((m) => m.role === "user").at(-1).content;
      const text = typeof sent === "string" ? sent : sent.map((c) => c.text).join("");
      assert.match(text, /Pay rent/);
      assert.match(await page.getByTestId("user-message").last().innerText(), /Pay rent/);

      // A prompt with an argument: typed after its name, the server offering the values it takes.
      await page.getByLabel("Message").fill("/triage_overdue h");
      await menu.getByRole("option").getByText("high", { exact: true }).click();
      assert.equal(await page.getByLabel("Message").inputValue(), "/triage_overdue high");
      assert.equal(await menu.count(), 0, "nothing more to offer once the value is typed in full");
      await page.getByLabel("Message").press("Enter");
      await page.getByTestId("user-message").nth(1).waitFor();
      assert.match(await page.getByTestId("user-message").last().innerText(), /high/i);
    });
  });
});
