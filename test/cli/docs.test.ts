import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type CliIo, buildProgram } from "@fieldbench/cli";
import { metricNames } from "@fieldbench/metrics";
import { TASK_NAMES, datasetKeys, getDataset } from "@fieldbench/superbench";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";

// The claims of docs/ that are cheap to hold against the code: the CLI contract's commands, arguments and options
// (both ways: a command or option missing from the page fails as well as one the CLI does not have), and the
// SuperBench page's dataset constants, task names and metric names.

const doc = (name: string) => readFileSync(join(ROOT, "docs", name), "utf8");

/** `### \`fieldbench a b <x> [y]\`` sections of a page, with the option flags of their tables' first column. */
function documentedCommands(page: string): Map<string, { args: string; options: string[] }> {
  const commands = new Map<string, { args: string; options: string[] }>();
  for (const section of page.split(/^### /m).slice(1)) {
    const heading = /^`fieldbench ([^`]+)`/.exec(section)?.[1];
    if (heading === undefined) continue;
    const words = heading.split(" ");
    const path = words.filter((w) => !/^[<[]/.test(w)).join(" ");
    const args = words.filter((w) => /^[<[]/.test(w)).join(" ");
    const options = [...section.matchAll(/^\| `(-[^`]+)` \|/gm)].map((m) => m[1] as string);
    commands.set(path, { args, options });
  }
  return commands;
}

/** Every command that runs something (commands with subcommands are only groups), by path. */
function cliCommands(): Map<string, { args: string; options: string[] }> {
  const silent = { write: () => true } as unknown as CliIo["stdout"];
  const program = buildProgram({ stdout: silent, stderr: silent, env: {}, cwd: ROOT });
  const found = new Map<string, { args: string; options: string[] }>();
  const walk = (command: ReturnType<typeof buildProgram>, prefix: string[]) => {
    for (const sub of command.commands) {
      const path = [...prefix, sub.name()];
      if (sub.commands.length > 0) walk(sub, path);
      else
        found.set(path.join(" "), {
          args: sub.registeredArguments
            .map((a) => (a.required ? `<${a.name()}${a.variadic ? "..." : ""}>` : `[${a.name()}]`))
            .join(" "),
          options: sub.options.map((o) => o.flags),
        });
    }
  };
  walk(program, []);
  return found;
}

describe("docs/cli.md, the command-line contract", () => {
  const documented = documentedCommands(doc("cli.md"));
  const cli = cliCommands();

  it("lists exactly the CLI's commands", () => {
    expect([...documented.keys()].sort()).toEqual([...cli.keys()].sort());
    expect(cli.size).toBeGreaterThan(15);
  });

  it.each([...cliCommands().keys()])("`%s`: the documented arguments and options are the CLI's", (path) => {
    const mine = cli.get(path);
    const theirs = documented.get(path);
    expect(theirs?.args).toBe(mine?.args);
    expect([...(theirs?.options ?? [])].sort()).toEqual([...(mine?.options ?? [])].sort());
  });
});

describe("docs/superbench.md, the suite as implemented", () => {
  const page = doc("superbench.md");
  const table = (heading: string) => {
    const section = page.split(/^## /m).find((s) => s.startsWith(heading)) ?? "";
    return [...section.matchAll(/^\| `([a-z0-9_-]+)` \|(.*)$/gm)].map((m) => ({
      name: m[1] as string,
      cells: (m[2] as string).split("|").map((c) => c.trim()),
    }));
  };

  it("names only registered metrics, each once", () => {
    const names = table("Metrics").map((r) => r.name);
    expect(names.length).toBeGreaterThan(20);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(metricNames()).toContain(name);
  });

  it("names exactly the CLI's task names", () => {
    expect(
      table("Tasks")
        .map((r) => r.name)
        .sort(),
    ).toEqual([...TASK_NAMES].sort());
  });

  it("gives every dataset with its version, channels and the code's normalisation constants", () => {
    const rows = table("Datasets");
    expect(rows.map((r) => r.name).sort()).toEqual([...datasetKeys()].sort());
    for (const { name, cells } of rows) {
      const spec = getDataset(name);
      const [version, channels, , mean, std] = cells;
      const numbers = (text: string | undefined) => (text ?? "").split(",").map(Number);
      expect(version).toBe(spec.version);
      expect(channels).toBe(spec.channels.map((c) => c.name).join(", "));
      expect(numbers(mean)).toEqual([...spec.mean]);
      expect(numbers(std)).toEqual([...spec.std]);
    }
  });
});
