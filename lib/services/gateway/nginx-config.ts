import fs from "node:fs";
import path from "node:path";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { assertAuditWritable, recordAudit } from "@/lib/audit/record-audit";
import { describeDatabaseError } from "@/lib/db/database-error";
import { AppError } from "@/lib/errors";
import { latestCrl } from "@/lib/ca/authority";
import { chainToPem } from "@/lib/pki/cert/download-formats";
import { pemEncode } from "@/lib/pki/pem";
import { FILE_NAMES, type ServerBlockOptions, allowlistConf, nginxPathProblem, readme, serverBlock } from "@/lib/gateway/nginx";
import { getEnvironmentCaChain } from "@/lib/services/ca/ca-chain";
import { runJobs } from "@/lib/services/jobs/run-jobs";

type Chain = Awaited<ReturnType<typeof getEnvironmentCaChain>>;

/**
 * The environment's newest CRLs, renewed first when due (the same run as `keyport jobs run`, for
 * this environment only). nginx refuses every client once a CRL in ssl_crl is past its nextUpdate
 * (RFC 5280 §5.1.2.5), so a CRL that has expired is never handed out: that is an error, with the
 * reason renewal failed. A renewal failure while the current CRLs are still valid is a warning.
 */
async function currentCrls(actor: Actor, chain: Chain) {
  const now = () => new Date();
  let renewal: { renewed: { kind: string; number: string }[]; error: string | null } = { renewed: [], error: null };
  try {
    const report = await runJobs(actor, now, { envCode: chain.env.code });
    renewal = { renewed: report.crls.filter((c) => c.action === "renewed").map((c) => ({ kind: c.kind, number: c.number ?? "?" })), error: null };
  } catch (e) {
    if (e instanceof AppError && e.code === "forbidden") throw e;
    // One line: a Prisma error's message quotes the calling code over several lines.
    renewal = { renewed: [], error: describeDatabaseError(e) ?? (e instanceof Error ? e.message : String(e)) };
  }
  const db = getDb();
  const [issuing, root] = await Promise.all([latestCrl(db, chain.issuing.id), latestCrl(db, chain.root.id)]);
  const at = now();
  const because = renewal.error ? ` Renewing it failed: ${renewal.error}` : "";
  if (!issuing || !root) throw new AppError("conflict", `Environment ${chain.env.code} has no published CRL yet.${because || " Run: npm run keyport -- jobs run"}`);
  for (const [kind, crl] of [
    ["issuing", issuing],
    ["root", root],
  ] as const) {
    if (crl.nextUpdate.getTime() <= at.getTime()) {
      throw new AppError(
        "conflict",
        `The ${kind} CA's newest CRL for ${chain.env.code} (#${crl.number}) expired at ${crl.nextUpdate.toISOString()}; nginx would refuse every client with it ("CRL has expired"), so nothing was written.${because}`,
      );
    }
  }
  const warnings = renewal.error
    ? [`Could not renew the ${chain.env.code} CRLs (${renewal.error}); wrote the current ones, valid until ${new Date(Math.min(issuing.nextUpdate.getTime(), root.nextUpdate.getTime())).toISOString()}.`]
    : [];
  return { issuing, root, renewed: renewal.renewed, warnings };
}

/** What a gateway needs for one environment: CA chain, both CRLs (renewed when due), and the approved allowlist. */
export async function gatewayMaterial(actor: Actor, envCode: string) {
  authorize(actor, "allowlist:export");
  const chain = await getEnvironmentCaChain(envCode.toUpperCase());
  const crls = await currentCrls(actor, chain);
  const entries = await getDb().allowlistEntry.findMany({
    where: { envId: chain.env.id, removedAt: null },
    include: { org: { select: { code: true } } },
    orderBy: { createdAt: "asc" },
  });
  const generatedAt = new Date().toISOString();
  return {
    env: chain.env,
    generatedAt,
    caChainPem: chainToPem([new Uint8Array(chain.issuing.certDer), new Uint8Array(chain.root.certDer)]),
    crlPem: pemEncode("X509 CRL", new Uint8Array(crls.issuing.der)) + pemEncode("X509 CRL", new Uint8Array(crls.root.der)),
    crlNumbers: { issuing: crls.issuing.number.toString(), root: crls.root.number.toString() },
    crlNextUpdate: new Date(Math.min(crls.issuing.nextUpdate.getTime(), crls.root.nextUpdate.getTime())),
    renewed: crls.renewed,
    warnings: crls.warnings,
    entries: entries.map((e) => ({ cidr: e.cidr, organisation: e.org.code })),
  };
}

/** Write a file atomically (temp file + rename), so nginx never reads half a file. Returns whether it changed. */
function writeAtomic(file: string, content: string): boolean {
  try {
    if (fs.readFileSync(file, "utf8") === content) return false;
  } catch {
    // does not exist yet
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o644 });
  fs.renameSync(tmp, file);
  return true;
}

function prepareDir(outDir: string): string {
  const dir = path.resolve(outDir);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new AppError("bad_request", `Cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? "error"}.`);
  }
  return dir;
}

/** The allowlist include minus its timestamp line, to tell real changes from regenerations. */
const withoutHeader = (text: string) => text.split("\n").slice(1).join("\n");

function writeDynamic(dir: string, m: Awaited<ReturnType<typeof gatewayMaterial>>) {
  const changed: string[] = [];
  if (writeAtomic(path.join(dir, FILE_NAMES.crl), m.crlPem)) changed.push(FILE_NAMES.crl);
  const allowFile = path.join(dir, FILE_NAMES.allowlist);
  const allow = allowlistConf(m.env.code, m.entries, m.generatedAt);
  let previous = "";
  try {
    previous = fs.readFileSync(allowFile, "utf8");
  } catch {
    // first run
  }
  if (withoutHeader(previous) !== withoutHeader(allow) && writeAtomic(allowFile, allow)) changed.push(FILE_NAMES.allowlist);
  return changed;
}

export type NginxConfigInput = Omit<ServerBlockOptions, "dir"> & { outDir: string };

/** Every path nginx will read must survive quoting (see nginxPathProblem); say which one cannot. */
function assertNginxPaths(o: ServerBlockOptions) {
  const problem =
    nginxPathProblem(o.dir, { included: true }) ?? nginxPathProblem(o.serverCert) ?? nginxPathProblem(o.serverKey);
  if (problem) throw new AppError("bad_request", `Cannot write this path into nginx's configuration: ${problem}. Choose another.`);
}

/** `keyport gateway nginx`: every file an nginx front door needs for one environment. */
export async function writeNginxConfig(actor: Actor, input: NginxConfigInput) {
  const { outDir, ...block } = input;
  assertNginxPaths({ ...block, dir: path.resolve(outDir) });
  const m = await gatewayMaterial(actor, input.envCode);
  await assertAuditWritable(getDb()); // the files change only if their audit row can be written
  const dir = prepareDir(outDir);
  const options: ServerBlockOptions = { ...block, envCode: m.env.code, dir };
  writeAtomic(path.join(dir, FILE_NAMES.caChain), m.caChainPem);
  writeDynamic(dir, m);
  writeAtomic(path.join(dir, FILE_NAMES.healthcheck), JSON.stringify({ status: "ok", environment: m.env.code, gateway: "nginx" }) + "\n");
  writeAtomic(path.join(dir, FILE_NAMES.server), serverBlock(options));
  writeAtomic(path.join(dir, FILE_NAMES.readme), readme({ ...options, generatedAt: m.generatedAt, entries: m.entries.length, appDir: process.cwd() }));
  await getDb().$transaction((tx) =>
    recordAudit(tx, actor, { action: "gateway.config", targetType: "environment", targetId: m.env.id, details: { environment: m.env.code, dir, entries: m.entries.length, crl: m.crlNumbers } }),
  );
  return { dir, files: Object.values(FILE_NAMES), entries: m.entries.length, crlNumbers: m.crlNumbers, crlNextUpdate: m.crlNextUpdate, renewed: m.renewed, warnings: m.warnings };
}

/** `keyport gateway sync`: renew due CRLs, refresh the CRL file and the allowlist include; say what changed. */
export async function syncNginxConfig(actor: Actor, input: { envCode: string; outDir: string }) {
  const dir = path.resolve(input.outDir);
  if (!fs.existsSync(path.join(dir, FILE_NAMES.server))) {
    throw new AppError("not_found", `${dir} holds no Keyport nginx configuration; create it first with: keyport gateway nginx --env ${input.envCode.toUpperCase()} --out ${input.outDir}`);
  }
  const m = await gatewayMaterial(actor, input.envCode);
  await assertAuditWritable(getDb()); // the files change only if their audit row can be written
  const changed = writeDynamic(dir, m);
  if (changed.length) {
    await getDb().$transaction((tx) =>
      recordAudit(tx, actor, { action: "gateway.sync", targetType: "environment", targetId: m.env.id, details: { environment: m.env.code, dir, changed, crl: m.crlNumbers } }),
    );
  }
  return { dir, changed, entries: m.entries.length, crlNumbers: m.crlNumbers, crlNextUpdate: m.crlNextUpdate, renewed: m.renewed, warnings: m.warnings };
}
