// The docs checks test.sh runs (TAP lines, then "# pass N" / "# fail N"):
//  1. every relative link and anchor in the Markdown resolves (remark-validate-links, offline);
//  2. every setting the services bind is on the configuration page, and every setting the page names exists in code;
//  3. the commands the README quotes exist (the scripts and their subcommands, the templates, the projects).
import { existsSync, readdirSync, readFileSync, statSync, accessSync, constants } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { remark } from "remark";
import remarkValidateLinks from "remark-validate-links";
import { engine } from "unified-engine";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const read = (file) => readFileSync(path.join(root, file), "utf8");
const results = [];
const check = (name, problems) => results.push({ name, problems });

/** Files under `dir` (relative to the root) whose names match, skipping dependencies and build output. */
function filesUnder(dir, pattern) {
  const found = [];
  const walk = (relative) => {
    const full = path.join(root, relative);
    if (!existsSync(full)) return;
    for (const entry of readdirSync(full, { withFileTypes: true })) {
      if (["node_modules", "bin", "obj", ".next", "artifacts", ".git"].includes(entry.name)) continue;
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (pattern.test(entry.name)) found.push(child);
    }
  };
  walk(dir);
  return found;
}

// --- 1. links and anchors
const markdown = ["README.md", "SECURITY.md", ...filesUnder("docs", /\.md$/), ...filesUnder("bench", /\.md$/), ...filesUnder("deploy", /\.md$/)];
const linkProblems = await new Promise((resolve, reject) =>
  engine(
    { processor: remark, files: markdown, cwd: root, plugins: [[remarkValidateLinks, { repository: false }]], quiet: true, out: false, color: false, silent: true },
    (error, _code, context) => {
      if (error) return reject(error);
      resolve(context.files.flatMap((file) => file.messages.map((m) => `${file.path}:${m.line ?? "?"}: ${m.reason}`)));
    },
  ),
);
check(`every relative link and anchor resolves (${markdown.length} files)`, linkProblems);

// --- 2. settings
const csharp = filesUnder("src", /\.cs$/).map((file) => ({ file, text: read(file) }));

/** Each class's settable properties (name, element type when it is a list), by class name. */
const classes = new Map();
for (const { text } of csharp) {
  for (const match of text.matchAll(/\bclass\s+(\w+)[^{]*\{/g)) {
    const start = match.index + match[0].length;
    let depth = 1;
    let end = start;
    while (depth > 0 && end < text.length) {
      if (text[end] === "{") depth++;
      else if (text[end] === "}") depth--;
      end++;
    }
    const body = text.slice(start, end);
    const properties = [...body.matchAll(/public\s+(?:required\s+)?([\w<>?,.\[\] ]+?)\s+(\w+)\s*\{\s*get;\s*(?:set|init);/g)].map((p) => ({
      name: p[2],
      element: /^(?:List|IList|IReadOnlyList|ICollection)<(\w+)>$|^(\w+)\[\]$/.exec(p[1].replace(/\?/g, "").trim())?.slice(1).find(Boolean),
    }));
    classes.set(match[1], [...(classes.get(match[1]) ?? []), ...properties]);
  }
}

/** Every key the options classes bind: Section__Property, and Section__List__N__Property for lists of objects. */
const bound = new Set();
const keysOf = (prefix, className, seen = new Set()) => {
  if (seen.has(className)) return;
  for (const property of classes.get(className) ?? []) {
    const key = `${prefix}__${property.name}`;
    if (property.element && classes.get(property.element)?.length) keysOf(`${key}__N`, property.element, new Set([...seen, className]));
    else bound.add(key);
  }
};
for (const { text } of csharp) {
  for (const match of text.matchAll(/class\s+(\w+)[\s\S]*?SectionName\s*=\s*"(\w+)"/g)) keysOf(match[2], match[1]);
}

// The environment variables the services read: their aliases and direct reads; and the web tier's.
const environment = new Set();
for (const { text } of csharp) {
  for (const m of text.matchAll(/(?:Env|GetEnvironmentVariable)\("([A-Z][A-Z0-9_]+)"\)|[Cc]onfiguration\["([A-Z][A-Z0-9_]+)"\]/g)) environment.add(m[1] ?? m[2]);
}
const web = existsSync(path.join(root, "web"));
if (web) {
  for (const file of [...filesUnder("web/lib", /\.tsx?$/), ...filesUnder("web/app", /\.tsx?$/), "web/instrumentation.ts", "web/next.config.ts"].filter((f) => existsSync(path.join(root, f)))) {
    for (const m of read(file).matchAll(/process\.env\.([A-Z][A-Z0-9_]+)/g)) environment.add(m[1]);
  }
}
// Set by the platform for its own use, not settings of McpStack's.
for (const own of ["NEXT_RUNTIME", "PATH", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_URLS"]) environment.delete(own);

const page = read("docs/configuration.md");
const lines = page.split("\n");
const documented = (key) => {
  const [first, ...rest] = key.split("__N__");
  return lines.some((line) => line.includes(`\`${key}`) || line.includes(key.replaceAll("__", ":")) || (rest.length > 0 && line.includes(`${first}__N__`) && line.includes(`__${rest.at(-1)}`)));
};
const missing = [...bound, ...environment].filter((key) => !documented(key)).map((key) => `${key} is read by the services but not on docs/configuration.md`);

// The other way: every setting the page's tables name exists in code (an options property, or a name some code or
// deployment file reads or sets).
const codeText = [
  ...csharp.map((c) => c.text),
  ...[...filesUnder("web", /\.(ts|tsx|mjs)$/), ...filesUnder("deploy", /\.(ya?ml|Dockerfile|env|example)$/), ...filesUnder(".", /^(run\.sh|test\.sh|\.env\.example)$/)].map(read),
].join("\n");
const named = new Set([...page.matchAll(/^\|\s*([^|]+)\|/gm)].flatMap((m) => [...m[1].matchAll(/`([A-Za-z][A-Za-z0-9_]*(?:__[A-Za-z0-9]+)*)`/g)].map((t) => t[1])));
const invented = [...named]
  .filter((name) => /__|^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(name))
  .filter((name) => !bound.has(name) && !bound.has(name.replace(/__N$/, "")) && ![...bound].some((b) => b.startsWith(`${name}__`)))
  .filter((name) => !codeText.includes(name) && !codeText.includes(name.replace(/__N(?=__|$)/g, "__0")) && !codeText.includes(name.replaceAll("__", ":")))
  .map((name) => `docs/configuration.md names ${name}, which nothing reads`);
check(`every bound setting is documented (${bound.size} options, ${environment.size} variables) and every documented one exists`, [...missing, ...invented]);

// --- 3. the README's commands
const readme = read("README.md");
const quoted = [...readme.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]).concat([...readme.matchAll(/```bash\n([\s\S]*?)```/g)].flatMap((m) => m[1].split("\n")));
const commands = quoted.flatMap((text) => text.split(/&&|;/)).map((c) => c.replace(/#.*$/, "").trim()).filter(Boolean);
const templates = new Map(filesUnder(".", /^template\.json$/).map((file) => [JSON.parse(read(file)).shortName, file]));
const commandProblems = [];
let seen = 0;
for (const command of commands) {
  const words = command.split(/\s+/).filter((w) => !/^[A-Z_]+=/.test(w));
  if (words[0]?.startsWith("./") && words[0].endsWith(".sh")) {
    seen++;
    const script = path.join(root, words[0]);
    try {
      accessSync(script, constants.X_OK);
    } catch {
      commandProblems.push(`${command}: ${words[0]} is not an executable script here`);
      continue;
    }
    const sub = words[1];
    if (sub && /^[a-z]+$/.test(sub) && !new RegExp(`(= ${sub} \\]|\\b${sub}\\))`).test(readFileSync(script, "utf8"))) commandProblems.push(`${command}: ${words[0]} has no "${sub}" command`);
  } else if (words[0] === "dotnet" && words[1] === "new" && words[2] && !words[2].startsWith("-")) {
    seen++;
    if (words[2] === "install") {
      if (!words[3]?.endsWith(".nupkg") && !existsSync(path.join(root, words[3] ?? ""))) commandProblems.push(`${command}: ${words[3]} is not here`);
    } else if (!templates.has(words[2])) commandProblems.push(`${command}: no template is named ${words[2]} (${[...templates.keys()].join(", ")})`);
  } else if (words[0] === "dotnet" && ["run", "pack", "build", "test"].includes(words[1])) {
    seen++;
    const project = words[words.indexOf("--project") + 1 || 2];
    if (project && !project.startsWith("-") && !existsSync(path.join(root, project))) commandProblems.push(`${command}: ${project} is not here`);
  }
}
check(`the README's ${seen} commands exist`, commandProblems);

// --- report
let failed = 0;
results.forEach(({ name, problems }, i) => {
  if (problems.length === 0) return console.log(`ok ${i + 1} - ${name}`);
  failed++;
  console.log(`not ok ${i + 1} - ${name}`);
  for (const problem of problems) console.log(`#   ${problem}`);
});
console.log(`# pass ${results.length - failed}`);
console.log(`# fail ${failed}`);
process.exitCode = failed > 0 ? 1 : 0;
