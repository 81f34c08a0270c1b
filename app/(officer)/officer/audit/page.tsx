import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { Mono, Notice } from "@/components/ui/details";
import { formatTime } from "@/components/ui/format";
import { AuditFilters } from "@/components/officer/audit-filters";
import { requirePageActor } from "@/lib/auth/web-actor";
import { AppError } from "@/lib/errors";
import { organisationChoices } from "@/lib/services/organisations/list-organisations";
import { FULL_WALK_EVERY_MS, auditChainStatus, listAuditActions, searchAuditEvents } from "@/lib/services/audit/search-audit-events";
import { getCheckpointPublicKey, listAuditCheckpoints } from "@/lib/services/audit/read-audit-checkpoints";
import { param } from "../_shared/page-data";
import { Pager } from "@/components/ui/pager";

export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const FILTER_KEYS = ["action", "organisation", "actor", "from", "to"] as const;
const PAGE = 100;

function targetHref(type: string | null, id: string | null): string | null {
  if (!id) return null;
  if (type === "certificate_request") return `/officer/requests/${id}`;
  if (type === "certificate") return `/officer/certificates/${id}`;
  if (type === "allowlist_request") return `/officer/allowlist/${id}`;
  return null;
}

function detailsText(details: unknown): string {
  if (!details || typeof details !== "object" || !Object.keys(details).length) return "";
  const text = JSON.stringify(details);
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
}

export default async function AuditPage({ searchParams }: Props) {
  const actor = await requirePageActor("area:officer", "/officer/audit");
  const sp = await searchParams;
  const values = Object.fromEntries(FILTER_KEYS.map((k) => [k, param(sp, k) ?? ""])) as Record<(typeof FILTER_KEYS)[number], string>;
  const [orgs, actions, chain, checkpoints] = await Promise.all([organisationChoices(actor), listAuditActions(actor), auditChainStatus(actor), listAuditCheckpoints(actor)]);
  let checkpointKey: { sha256: string } | { problem: string };
  try {
    checkpointKey = getCheckpointPublicKey(actor);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    checkpointKey = { problem: e.message };
  }
  const cursor = param(sp, "cursor") || undefined;
  let result: Awaited<ReturnType<typeof searchAuditEvents>> | null = null;
  let problem: string | null = null;
  try {
    // One page at a time (keyset: page n costs what page 1 does).
    result = await searchAuditEvents(actor, { ...values, limit: PAGE, cursor });
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== "validation_failed") throw e;
    problem = e.message;
  }
  const query = new URLSearchParams(Object.entries(values).filter(([, v]) => v)).toString();
  const exportHref = (format: string) => `/officer/audit/export?${query ? `${query}&` : ""}format=${format}`;
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Every state change and download, hash-chained (keyed with the master key) in the order it happened.">Audit trail</PageTitle>
      <div data-testid="chain-status">
        {chain.ok ? (
          <Notice tone="good">
            Chain OK: all {chain.rows} events link to their predecessors and match their hashes.
            {chain.legacyRows ? ` ${chain.legacyRows} of them predate the keyed chain${chain.keyedFrom ? ` and are sealed by event #${chain.keyedFrom}` : ""}.` : ""} The whole trail was walked at{" "}
            {chain.fullAt.toISOString().replace("T", " ").slice(0, 19)} UTC, the events since then now (a full walk runs every {FULL_WALK_EVERY_MS / 60_000} minutes; <code>keyport audit verify</code> walks it all).
          </Notice>
        ) : chain.unverifiable ? (
          <Notice tone="warn">
            Chain NOT CHECKED from {chain.brokenAt}: {chain.reason}. {chain.verified} events before it verified.
          </Notice>
        ) : (
          <Notice tone="bad">
            Chain BROKEN at {chain.brokenAt}: {chain.reason}. {chain.verified} events before it verified.
          </Notice>
        )}
      </div>
      <Card
        title="Checkpoints"
        actions={
          <span className="flex gap-3 text-sm" aria-label="Checkpoint downloads">
            <a className="text-sky-800 underline" href="/officer/audit/checkpoint" download>
              Download a checkpoint of the current head
            </a>
            <a className="text-sky-800 underline" href="/officer/audit/checkpoint-key" download>
              Download the checkpoint public key (PEM)
            </a>
          </span>
        }
      >
        <div className="grid gap-3 text-sm">
          <p className="text-slate-600">
            A checkpoint is the chain&apos;s newest event (number and hash) and the time, signed. Keep copies outside Keyport&apos;s database: checked with{" "}
            <code className="text-xs">keyport audit verify --checkpoint FILE</code>, it shows events deleted or altered up to it, even by whoever can write
            the database. <code className="text-xs">keyport jobs run</code> makes one whenever the trail has moved.
          </p>
          <p>
            {"sha256" in checkpointKey ? (
              <>
                Signing key SHA-256: <Mono>{checkpointKey.sha256}</Mono>
              </>
            ) : (
              <span className="text-red-800">{checkpointKey.problem}</span>
            )}
          </p>
          {checkpoints.length ? (
            <Table
              label="Checkpoints"
              head={["Event #", "Signed (UTC)", "Made by", "Hash", ""]}
              rows={checkpoints.map((c) => [
                c.seq,
                <span key="t" className="whitespace-nowrap">{formatTime(c.at)}</span>,
                c.trigger,
                <Mono key="h">{c.hash.slice(0, 16)}…</Mono>,
                <a key="d" className="text-sky-800 underline" href={`/officer/audit/checkpoint/${c.id}`} download>
                  Download
                </a>,
              ])}
            />
          ) : (
            <Empty>No checkpoint yet.</Empty>
          )}
        </div>
      </Card>
      <Card title="Filters">
        <AuditFilters values={values} actions={actions} organisations={orgs && orgs.map((o) => o.code)} />
      </Card>
      {problem ? <Notice tone="bad">{problem}</Notice> : null}
      <Card
        title={`Events${result ? ` (${cursor ? "further " : ""}${result.events.length}${result.nextCursor ? "+" : ""})` : ""}`}
        actions={
          <span className="flex gap-6">
            <Pager params={values} nextCursor={result?.nextCursor ?? null} paged={!!cursor} label="Audit pages" />
            <span className="flex gap-3 text-sm" aria-label="Export">
              <a className="text-sky-800 underline" href={exportHref("csv")} download>
                Export CSV
              </a>
              <a className="text-sky-800 underline" href={exportHref("json")} download>
                Export JSON
              </a>
            </span>
          </span>
        }
      >
        {result && result.events.length ? (
          <Table
            label="Audit events"
            head={["#", "Time (UTC)", "Actor", "Organisation", "Action", "Target", "Source IP", "Details"]}
            rows={result.events.map((e) => {
              const href = targetHref(e.targetType, e.targetId);
              return [
                e.seq ?? "pending",
                <span key="t" className="whitespace-nowrap">{formatTime(e.at)}</span>,
                e.actorEmail ?? "—",
                e.organisation ?? "—",
                <code key="a" className="text-xs">{e.action}</code>,
                e.targetType ? (
                  <span key="tg" className="text-xs">
                    {e.targetType}{" "}
                    {href ? (
                      <Link href={href} className="text-sky-800 underline">
                        {e.targetId?.slice(0, 8)}
                      </Link>
                    ) : (
                      e.targetId?.slice(0, 8)
                    )}
                  </span>
                ) : (
                  "—"
                ),
                e.sourceIp ?? "—",
                <span key="d" className="break-all font-mono text-xs text-slate-600">{detailsText(e.details)}</span>,
              ];
            })}
          />
        ) : (
          <Empty>No events match.</Empty>
        )}
      </Card>
    </div>
  );
}
