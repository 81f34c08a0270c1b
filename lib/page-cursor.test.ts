// Pages that list one keyset page at a time: the cursor parameters of a URL, a stale cursor
// shown as the first page, and — read from each page's syntax tree, since rendering a page
// needs a Next.js request — that every page reading a paged service passes the URL's cursor
// through and renders First / Previous / Next for it (issue 21: pages that showed only page 1).
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { cursorParams, orFirstPage } from "@/lib/page-cursor";
import { importsOf, parseSource } from "@/lib/testing/inspect-source";

describe("cursorParams", () => {
  it("reads cursor and before, with a prefix per list, the first of repeated values, blanks as absent", () => {
    expect(cursorParams({ cursor: "a", before: "b" })).toEqual({ cursor: "a", before: "b" });
    expect(cursorParams({ chainsCursor: "a", cursor: "x" }, "chains")).toEqual({ cursor: "a", before: undefined });
    expect(cursorParams({ entriesPPRBefore: ["b", "c"] }, "entriesPPR")).toEqual({ cursor: undefined, before: "b" });
    expect(cursorParams({ cursor: "" })).toEqual({ cursor: undefined, before: undefined });
  });
});

describe("orFirstPage", () => {
  it("reads the first page for a cursor the list refuses, and passes every other error on", async () => {
    const seen: unknown[] = [];
    const read = async (at: { cursor?: string; before?: string }) => {
      seen.push(at);
      if (at.cursor === "stale") throw new AppError("validation_failed", "Not this list's cursor.", { cursor: "Not this list's cursor." });
      if (at.cursor === "other") throw new AppError("validation_failed", "Bad status.", { status: "Unknown status." });
      return at.cursor ?? "first";
    };
    expect(await orFirstPage({ cursor: "ok" }, read)).toBe("ok");
    expect(await orFirstPage({ cursor: "stale" }, read)).toBe("first");
    expect(seen.slice(-2)).toEqual([{ cursor: "stale" }, {}]);
    await expect(orFirstPage({ cursor: "other" }, read)).rejects.toThrow("Bad status.");
  });
});

// Pages that page a list their own way (a bad cursor is a notice beside the search form).
const OWN_PAGING: Record<string, string> = {
  "(officer)/officer/certificates/page.tsx": "the search shows a refused cursor as a notice, with its filters",
};

function pageFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (entry === "page.tsx") out.push(p);
    }
  };
  walk(join(process.cwd(), "app"));
  return out.sort();
}

/** A prefix as written: a string literal's value, anything else (a template) as its source text. */
const prefixText = (e: ts.Expression | undefined, sf: ts.SourceFile) => (!e ? "" : ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) ? e.text : e.getText(sf));

function problemsOf(file: string): string[] {
  const sf = parseSource(file);
  const imports = importsOf(sf);
  const paged = new Set([...imports].filter(([, b]) => b.module.startsWith("@/lib/services/") && /Page$/.test(b.imported)).map(([local]) => local));
  const cursorOf = [...imports].find(([, b]) => b.module === "@/lib/page-cursor" && b.imported === "cursorParams")?.[0];
  const firstOf = [...imports].find(([, b]) => b.module === "@/lib/page-cursor" && b.imported === "orFirstPage")?.[0];
  const pagerOf = [...imports].find(([, b]) => b.module === "@/components/ui/pager" && b.imported === "Pager")?.[0];
  if (!paged.size && !firstOf) return [];
  const problems: string[] = [];
  const read = new Set<string>();
  const shown = new Set<string>();
  const name = (e: ts.Expression) => (ts.isIdentifier(e) ? e.text : null);
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n)) {
      const callee = name(n.expression);
      if (callee && callee === cursorOf) read.add(prefixText(n.arguments[1], sf));
      if (callee && paged.has(callee)) {
        // The service call is the body of orFirstPage's reader and spreads the reader's cursor into its input.
        const reader = n.parent && ts.isArrowFunction(n.parent) ? n.parent : null;
        const outer = reader?.parent;
        const param = reader?.parameters[0] && ts.isIdentifier(reader.parameters[0].name) ? reader.parameters[0].name.text : null;
        const spreads = n.arguments.some((a) => ts.isObjectLiteralExpression(a) && a.properties.some((p) => ts.isSpreadAssignment(p) && name(p.expression) === param));
        const line = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
        if (!reader || !outer || !ts.isCallExpression(outer) || name(outer.expression) !== firstOf || outer.arguments[1] !== reader) problems.push(`line ${line}: ${callee}(…) is not read through orFirstPage(cursorParams(…), (c) => ${callee}(…, { ...c }))`);
        else if (!param || !spreads) problems.push(`line ${line}: ${callee}(…) does not spread the reader's cursor (…c) into its input`);
      }
    }
    if ((ts.isJsxSelfClosingElement(n) || ts.isJsxOpeningElement(n)) && name(n.tagName as ts.Expression) === pagerOf) {
      const attr = (a: string) => n.attributes.properties.find((p): p is ts.JsxAttribute => ts.isJsxAttribute(p) && p.name.getText(sf) === a);
      const prefix = attr("prefix");
      const init = prefix?.initializer;
      shown.add(!init ? "" : ts.isStringLiteral(init) ? init.text : ts.isJsxExpression(init) ? prefixText(init.expression, sf) : init.getText(sf));
      if (!attr("prevCursor")) problems.push(`the Pager${prefix ? ` of ${[...shown].at(-1)}` : ""} has no prevCursor (no Previous link)`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  for (const p of read) if (!shown.has(p)) problems.push(`cursorParams(…, ${JSON.stringify(p)}) has no Pager with that prefix`);
  for (const p of shown) if (!read.has(p)) problems.push(`Pager prefix ${JSON.stringify(p)} reads no cursorParams(…, ${JSON.stringify(p)})`);
  if (!read.size) problems.push("reads no cursorParams");
  return problems;
}

describe("pages that read a paged service", () => {
  const files = pageFiles();

  it("read each list through orFirstPage with the URL's cursor and render a Pager (with Previous) for each cursor prefix", () => {
    const problems: string[] = [];
    for (const file of files) {
      const rel = relative(join(process.cwd(), "app"), file);
      if (rel in OWN_PAGING) continue;
      for (const p of problemsOf(file)) problems.push(`app/${rel}: ${p}`);
    }
    expect(problems).toEqual([]);
  });

  it("cover the pages issue 21 named (each lists through orFirstPage)", () => {
    const named = [
      "(officer)/officer/allowlist/page.tsx",
      "(partner)/partner/allowlist/page.tsx",
      "(officer)/officer/exchange/page.tsx",
      "(partner)/partner/exchange/page.tsx",
      "(admin)/admin/exchange/page.tsx",
      "(officer)/officer/jws/page.tsx",
      "(partner)/partner/jws/page.tsx",
    ];
    for (const rel of named) {
      const imports = importsOf(parseSource(join(process.cwd(), "app", rel)));
      expect([...imports.values()].some((b) => b.module === "@/lib/page-cursor" && b.imported === "orFirstPage"), rel).toBe(true);
    }
    expect(Object.keys(OWN_PAGING).filter((rel) => !files.some((f) => f.endsWith(rel)))).toEqual([]);
  });

  it("finds a page that drops the cursor (the check itself)", () => {
    const dir = mkdtempSync(join(tmpdir(), "page-cursor-"));
    const file = join(dir, "page.tsx");
    writeFileSync(
      file,
      `import { listThingsPage } from "@/lib/services/things/list-things";
import { cursorParams, orFirstPage } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";
export default async function P({ sp }: { sp: Record<string, string> }) {
  const at = cursorParams(sp, "things");
  const a = await orFirstPage(at, (c) => listThingsPage({ limit: 5 }));
  const b = await listThingsPage({ limit: 5 });
  return <Pager params={{}} prefix="others" nextCursor={a.nextCursor} paged={false} />;
}
`,
    );
    const found = problemsOf(file);
    rmSync(dir, { recursive: true, force: true });
    expect(found).toEqual([
      "line 6: listThingsPage(…) does not spread the reader's cursor (…c) into its input",
      "line 7: listThingsPage(…) is not read through orFirstPage(cursorParams(…), (c) => listThingsPage(…, { ...c }))",
      "the Pager of others has no prevCursor (no Previous link)",
      'cursorParams(…, "things") has no Pager with that prefix',
      'Pager prefix "others" reads no cursorParams(…, "others")',
    ]);
  });
});
