// Test support: entry points (server actions, session route handlers, pages) read as TypeScript
// syntax trees, so the authorization matrix can prove what runs before the first service call
// where calling the entry point itself needs a Next.js request (cookies, headers).
import { readFileSync } from "node:fs";
import ts from "typescript";

export type FunctionLike = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction;

export function parseSource(path: string): ts.SourceFile {
  const kind = path.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true, kind);
}

/** A module directive (use server, use client): a string statement before any other statement. */
export function hasDirective(sf: ts.SourceFile, directive: string): boolean {
  for (const s of sf.statements) {
    if (!ts.isExpressionStatement(s) || !ts.isStringLiteral(s.expression)) return false;
    if (s.expression.text === directive) return true;
  }
  return false;
}

/** Every imported binding: local name → module specifier and imported name ("default", "*" for a namespace). */
export function importsOf(sf: ts.SourceFile): Map<string, { module: string; imported: string }> {
  const out = new Map<string, { module: string; imported: string }>();
  for (const s of sf.statements) {
    if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier) || !s.importClause) continue;
    const from = s.moduleSpecifier.text;
    const clause = s.importClause;
    if (clause.name) out.set(clause.name.text, { module: from, imported: "default" });
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) out.set(bindings.name.text, { module: from, imported: "*" });
    if (bindings && ts.isNamedImports(bindings)) {
      for (const e of bindings.elements) out.set(e.name.text, { module: from, imported: (e.propertyName ?? e.name).text });
    }
  }
  return out;
}

export type ExportedValue =
  | { name: string; kind: "function"; fn: FunctionLike }
  | { name: string; kind: "other"; text: string };

function isFunctionLike(node: ts.Node | undefined): node is FunctionLike {
  return !!node && (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node));
}

/** A module-level function or `const x = function/arrow` by its local name. */
function localFunction(sf: ts.SourceFile, name: string): FunctionLike | undefined {
  for (const s of sf.statements) {
    if (ts.isFunctionDeclaration(s) && s.name?.text === name) return s;
    if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === name && isFunctionLike(d.initializer)) return d.initializer;
      }
    }
  }
  return undefined;
}

const isExported = (s: ts.Statement) => (ts.canHaveModifiers(s) ? ts.getModifiers(s) : undefined)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
const isDefault = (s: ts.Statement) => (ts.canHaveModifiers(s) ? ts.getModifiers(s) : undefined)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ?? false;

/**
 * Every exported value of a module (types left out): functions with their syntax, anything else
 * (constants, `export const { GET } = apiRoute(…)`, re-exports from other modules) as text.
 */
export function exportedValues(sf: ts.SourceFile): ExportedValue[] {
  const out: ExportedValue[] = [];
  for (const s of sf.statements) {
    if (ts.isFunctionDeclaration(s) && isExported(s)) {
      out.push({ name: isDefault(s) ? "default" : (s.name?.text ?? "default"), kind: "function", fn: s });
    } else if (ts.isVariableStatement(s) && isExported(s)) {
      for (const d of s.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && isFunctionLike(d.initializer)) out.push({ name: d.name.text, kind: "function", fn: d.initializer });
        else if (ts.isIdentifier(d.name)) out.push({ name: d.name.text, kind: "other", text: d.getText(sf) });
        else for (const e of d.name.elements) if (ts.isBindingElement(e) && ts.isIdentifier(e.name)) out.push({ name: e.name.text, kind: "other", text: d.getText(sf) });
      }
    } else if (ts.isExportAssignment(s)) {
      const fn = isFunctionLike(s.expression) ? s.expression : ts.isIdentifier(s.expression) ? localFunction(sf, s.expression.text) : undefined;
      out.push(fn ? { name: "default", kind: "function", fn } : { name: "default", kind: "other", text: s.getText(sf) });
    } else if (ts.isExportDeclaration(s) && !s.isTypeOnly) {
      if (!s.exportClause || s.moduleSpecifier || !ts.isNamedExports(s.exportClause)) {
        out.push({ name: "*", kind: "other", text: s.getText(sf) });
        continue;
      }
      for (const e of s.exportClause.elements) {
        if (e.isTypeOnly) continue;
        const fn = localFunction(sf, (e.propertyName ?? e.name).getText(sf));
        out.push(fn ? { name: e.name.getText(sf), kind: "function", fn } : { name: e.name.getText(sf), kind: "other", text: e.getText(sf) });
      }
    }
  }
  return out;
}

export const isAsync = (fn: FunctionLike) => (ts.getModifiers(fn) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);

/** The names a function's parameters bind (`{ params, searchParams }` → both). */
function parameterNames(fn: FunctionLike): Set<string> {
  const names = new Set<string>();
  const visit = (n: ts.BindingName) => {
    if (ts.isIdentifier(n)) names.add(n.text);
    else for (const e of n.elements) if (ts.isBindingElement(e)) visit(e.name);
  };
  for (const p of fn.parameters) visit(p.name);
  return names;
}

export type EntryAnalysis = {
  /** `const actor = await <guard>(…)` as the first thing the function does, or why not. */
  guard: { name: string; actor: string; args: ts.Expression[] } | { error: string };
  /** Calls of functions imported from @/lib/services/…, in source order. */
  serviceCalls: { callee: string; module: string; imported: string; actorFirst: boolean; at: number }[];
  /** `authorize(…)` calls (from @/lib/auth/actor): the permission when it is a string literal. */
  authorizeCalls: { permission: string | null; actorFirst: boolean; at: number }[];
  /** Functions called in the catch clause of the try that holds the guard. */
  catchCalls: string[];
};

/**
 * What an entry point does first. Before the guard it may only declare variables without a value
 * (`let id: string;`) and await its own props (`const { id } = await params;`); a `try` around the
 * rest is looked into. Every call of a service is collected, wherever it is in the function.
 */
export function analyseEntry(sf: ts.SourceFile, fn: FunctionLike, guards: readonly string[]): EntryAnalysis {
  const imports = importsOf(sf);
  const props = parameterNames(fn);
  const harmless = (s: ts.Statement) =>
    ts.isVariableStatement(s) &&
    s.declarationList.declarations.every(
      (d) => !d.initializer || (ts.isAwaitExpression(d.initializer) && ts.isIdentifier(d.initializer.expression) && props.has(d.initializer.expression.text)),
    );
  const analysis: EntryAnalysis = { guard: { error: "the function has no body" }, serviceCalls: [], authorizeCalls: [], catchCalls: [] };
  if (!fn.body || !ts.isBlock(fn.body)) return analysis;

  let statements: readonly ts.Statement[] = fn.body.statements;
  let tryStatement: ts.TryStatement | undefined;
  for (;;) {
    const first = statements.find((s) => !harmless(s));
    if (first && ts.isTryStatement(first) && !tryStatement) {
      tryStatement = first;
      statements = first.tryBlock.statements;
      continue;
    }
    analysis.guard = guardOf(first, imports, guards, sf);
    break;
  }
  if (tryStatement?.catchClause) {
    visitCalls(tryStatement.catchClause.block, (call) => {
      if (ts.isIdentifier(call.expression)) analysis.catchCalls.push(call.expression.text);
    });
  }

  const actor = "actor" in analysis.guard ? analysis.guard.actor : null;
  const firstIsActor = (call: ts.CallExpression) => !!actor && call.arguments.length > 0 && ts.isIdentifier(call.arguments[0]) && call.arguments[0].text === actor;
  visitCalls(fn.body, (call) => {
    let local: string | undefined;
    let member: string | undefined;
    if (ts.isIdentifier(call.expression)) local = call.expression.text;
    else if (ts.isPropertyAccessExpression(call.expression) && ts.isIdentifier(call.expression.expression)) {
      local = call.expression.expression.text;
      member = call.expression.name.text;
    }
    const binding = local ? imports.get(local) : undefined;
    if (!binding) return;
    const imported = binding.imported === "*" ? member : binding.imported;
    if (!imported) return;
    if (binding.module.startsWith("@/lib/services/")) {
      analysis.serviceCalls.push({ callee: member ? `${local}.${member}` : local!, module: binding.module, imported, actorFirst: firstIsActor(call), at: call.getStart(sf) });
    } else if (binding.module === "@/lib/auth/actor" && imported === "authorize") {
      const p = call.arguments[1];
      analysis.authorizeCalls.push({ permission: p && ts.isStringLiteral(p) ? p.text : null, actorFirst: firstIsActor(call), at: call.getStart(sf) });
    }
  });
  return analysis;
}

function guardOf(first: ts.Statement | undefined, imports: ReturnType<typeof importsOf>, guards: readonly string[], sf: ts.SourceFile): EntryAnalysis["guard"] {
  const wanted = `const actor = await ${guards.join("/")}(…)`;
  if (!first) return { error: `it never calls ${guards.join(" or ")}; begin with ${wanted}` };
  const found = first.getText(sf).split("\n")[0].slice(0, 120);
  if (!ts.isVariableStatement(first) || first.declarationList.declarations.length !== 1) return { error: `it begins with \`${found}\`, not ${wanted}` };
  const d = first.declarationList.declarations[0];
  const init = d.initializer;
  if (!ts.isIdentifier(d.name) || !init || !ts.isAwaitExpression(init) || !ts.isCallExpression(init.expression) || !ts.isIdentifier(init.expression.expression)) {
    return { error: `it begins with \`${found}\`, not ${wanted}` };
  }
  const callee = init.expression.expression.text;
  const binding = imports.get(callee);
  if (!guards.includes(callee) || !binding || binding.imported !== callee || !/^@\/lib\/(auth\/web-actor|api\/optional-actor)$/.test(binding.module)) {
    return { error: `it begins with \`${found}\`, not ${wanted} (imported from @/lib/auth/web-actor)` };
  }
  return { name: callee, actor: d.name.text, args: [...init.expression.arguments] };
}

function visitCalls(node: ts.Node, visit: (call: ts.CallExpression) => void) {
  const walk = (n: ts.Node) => {
    if (ts.isCallExpression(n)) visit(n);
    ts.forEachChild(n, walk);
  };
  walk(node);
}

/** A string literal's text, or a template literal with each `${x}` written as `[x]` (a route's dynamic segment). */
export function pathPattern(node: ts.Expression | undefined, sf: ts.SourceFile): string | null {
  if (!node) return null;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (!ts.isTemplateExpression(node)) return null;
  return node.head.text + node.templateSpans.map((s) => `[${s.expression.getText(sf)}]${s.literal.text}`).join("");
}
