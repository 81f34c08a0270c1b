import fs from "node:fs";
import path from "node:path";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { latestCrl } from "@/lib/ca/authority";
import { chainToPem } from "@/lib/pki/cert/download-formats";
import { pemEncode } from "@/lib/pki/pem";
import { FILE_NAMES, type ServerBlockOptions, allowlistConf, readme, serverBlock } from "@/lib/gateway/nginx";
import { getEnvironmentCaChain } from "@/lib/services/ca/ca-chain";

/** What a gateway needs for one environment: CA chain, both CRLs, and the approved allowlist. */
export async function gatewayMaterial(actor: Actor, envCode: string) {
  authorize(actor, "allowlist:export");
  const chain = await getEnvironmentCaChain(envCode.toUpperCase());
  const db = getDb();
  const [issuingCrl, rootCrl] = await Promise.all([latestCrl(db, chain.issuing.id), latestCrl(db, chain.root.id)]);
  if (!issuingCrl || !rootCrl) throw new AppError("conflict", `Environment ${chain.env.code} has no published CRL yet; run: npm run keyport -- jobs run`);
  const entries = await db.allowlistEntry.findMany({
    where: { envId: chain.env.id, removedAt: null },
    include: { org: { select: { code: true } } },
    orderBy: { createdAt: "asc" },
  });
  const generatedAt = new Date().toISOString();
  return {
    env: chain.env,
    generatedAt,
    caChainPem: chainToPem([new Uint8Array(chain.issuing.certDer), new Uint8Array(chain.root.certDer)]),
    crlPem: pemEncode("X509 CRL", new Uint8Array(issuingCrl.der)) + pemEncode("X509 CRL", new Uint8Array(rootCrl.der)),
    crlNumbers: { issuing: issuingCrl.number.toString(), root: rootCrl.number.toString() },
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

/** `keyport gateway nginx`: every file an nginx front door needs for one environment. */
export async function writeNginxConfig(actor: Actor, input: NginxConfigInput) {
  const m = await gatewayMaterial(actor, input.envCode);
  const dir = prepareDir(input.outDir);
  const options: ServerBlockOptions = { ...input, envCode: m.env.code, dir };
  writeAtomic(path.join(dir, FILE_NAMES.caChain), m.caChainPem);
  writeDynamic(dir, m);
  writeAtomic(path.join(dir, FILE_NAMES.healthcheck), JSON.stringify({ status: "ok", environment: m.env.code, gateway: "nginx" }) + "\n");
  writeAtomic(path.join(dir, FILE_NAMES.server), serverBlock(options));
  writeAtomic(path.join(dir, FILE_NAMES.readme), readme({ ...options, generatedAt: m.generatedAt, entries: m.entries.length }));
  await getDb().$transaction((tx) =>
    recordAudit(tx, actor, { action: "gateway.config", targetType: "environment", targetId: m.env.id, details: { environment: m.env.code, dir, entries: m.entries.length, crl: m.crlNumbers } }),
  );
  return { dir, files: Object.values(FILE_NAMES), entries: m.entries.length, crlNumbers: m.crlNumbers };
}

/** `keyport gateway sync`: refresh the CRL file and the allowlist include; say what changed. */
export async function syncNginxConfig(actor: Actor, input: { envCode: string; outDir: string }) {
  const m = await gatewayMaterial(actor, input.envCode);
  const dir = path.resolve(input.outDir);
  if (!fs.existsSync(path.join(dir, FILE_NAMES.server))) {
    throw new AppError("not_found", `${dir} holds no Keyport nginx configuration; create it first with: keyport gateway nginx --env ${m.env.code} --out ${input.outDir}`);
  }
  const changed = writeDynamic(dir, m);
  if (changed.length) {
    await getDb().$transaction((tx) =>
      recordAudit(tx, actor, { action: "gateway.sync", targetType: "environment", targetId: m.env.id, details: { environment: m.env.code, dir, changed, crl: m.crlNumbers } }),
    );
  }
  return { dir, changed, entries: m.entries.length, crlNumbers: m.crlNumbers };
}
