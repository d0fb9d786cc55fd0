// Debian's Chromium driven by playwright-core: no browser download (`npx playwright install` is not used).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "artifacts", "e2e");

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}

/** Runs a step; on failure saves a screenshot of the page (its path is printed) and fails with the cause. */
export async function step(page, name, action) {
  try {
    return await action();
  } catch (error) {
    mkdirSync(artifacts, { recursive: true });
    const file = path.join(artifacts, `${name.replace(/[^a-z0-9-]+/gi, "-")}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    console.error(`Screenshot of the failed step "${name}": ${file}`);
    throw error;
  }
}

/** Saves a picture of a page as it looks, for people to check. */
export async function snapshot(page, name) {
  mkdirSync(path.join(artifacts, "pages"), { recursive: true });
  const file = path.join(artifacts, "pages", `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Waits until the locator matches exactly `count` elements (lists re-render as they load). */
export async function waitForCount(locator, count, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let seen = await locator.count();
  while (seen !== count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    seen = await locator.count();
  }
  if (seen !== count) throw new Error(`Expected ${count} elements, found ${seen}.`);
}

/** A new user, signed up through the sign-up page in a browser context of their own, on their empty task list. */
export async function signUpInBrowser(browser, webUrl, name) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`[${name} page error] ${error.stack}`));
  page.on("console", (message) => message.type() === "error" && console.error(`[${name} console] ${message.text()}`));
  const email = `${name}-${Date.now()}@example.test`;
  await step(page, `${name}-sign-up`, async () => {
    await page.goto(`${webUrl}/sign-up`);
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL("**/tasks");
    await page.getByText("No tasks yet").waitFor();
  });
  return { context, page, email };
}

/** A new user on the chat page (signUpInBrowser, then the Chat link), ready to type. */
export async function signUpOnChat(browser, webUrl, name) {
  const user = await signUpInBrowser(browser, webUrl, name);
  await user.page.getByRole("link", { name: "Chat" }).click();
  await user.page.getByTestId("suggestions").waitFor();
  return user;
}
