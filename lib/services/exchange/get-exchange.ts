import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { orgScope } from "@/lib/services/scope";
import { EXPIRING_DAYS, type ExchangeItem, loadExchangeItems } from "./exchange-items";

const DAY = 86_400_000;

/**
 * The exchange between the provider and one partner in one environment: every item in both
 * directions with its state, dates and who acts next. Partners see their own; officers and admins
 * name the organisation (`org`), or get the overview across partners without it.
 */
export async function getExchange(actor: Actor, envCode: string, orgCode?: string) {
  authorize(actor, "exchange:read");
  // Officers and admins without an organisation get the overview across partners.
  if (!orgScope(actor) && !orgCode) return getExchangeOverview(actor, envCode);
  return getOrgExchange(actor, envCode, orgCode);
}

/** One partner's exchange (a partner's own; officers and admins name the organisation). */
export async function getOrgExchange(actor: Actor, envCode: string, orgCode?: string) {
  authorize(actor, "exchange:read");
  const db = getDb();
  const env = await requireEnvironment(envCode.toUpperCase());
  const own = orgScope(actor);
  if (!own && !orgCode) throw new AppError("validation_failed", "Name the organisation (org).", { org: "Required." });
  const org = own ? await db.organisation.findUnique({ where: { id: own } }) : orgCode ? await db.organisation.findUnique({ where: { code: orgCode } }) : null;
  if (!org) throw new AppError("not_found", `No organisation with code "${(orgCode ?? "").slice(0, 64)}".`);
  const items = (await loadExchangeItems({ db, env, orgIds: [org.id], now: new Date() })).get(org.id)!;
  return { environment: env.code, organisation: org.code, items, next: nextActors(items) };
}

const nextActors = (items: ExchangeItem[]) => [...new Set(items.map((i) => i.next).filter((n): n is NonNullable<typeof n> => n !== null))];

/**
 * Officers' overview of one environment: each partner, what waits on the provider (officer or
 * admin), what waits on the partner, and what expires within 30 days.
 */
export async function getExchangeOverview(actor: Actor, envCode: string) {
  authorize(actor, "exchange:read");
  if (orgScope(actor)) throw new AppError("forbidden", "The overview across partners is for officers and admins.");
  const db = getDb();
  const env = await requireEnvironment(envCode.toUpperCase());
  const orgs = await db.organisation.findMany({ select: { id: true, code: true, legalName: true }, orderBy: { code: "asc" }, take: 2000 });
  const now = new Date();
  const items = await loadExchangeItems({ db, env, orgIds: orgs.map((o) => o.id), now });
  const soon = now.getTime() + EXPIRING_DAYS * DAY;
  const rows = orgs.map((o) => {
    const list = items.get(o.id)!;
    return {
      organisation: o.code,
      legalName: o.legalName,
      waitingOnProvider: list.filter((i) => i.next === "officer" || i.next === "admin").map((i) => i.kind),
      waitingOnPartner: list.filter((i) => i.next === "partner").map((i) => i.kind),
      expiringSoon: list.filter((i) => i.expires && i.expires.getTime() < soon).map((i) => ({ kind: i.kind, expires: i.expires })),
      items: list,
    };
  });
  return { environment: env.code, organisations: rows };
}
