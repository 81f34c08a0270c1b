import { Badge, type Tone } from "@/components/ui/badge";
import { Table } from "@/components/ui/table";
import { formatDay } from "@/components/ui/format";
import type { ExchangeItem } from "@/lib/services/exchange/exchange-items";

const TONE: Record<ExchangeItem["state"], Tone> = { active: "good", pending: "info", expiring: "warn", missing: "neutral", rejected: "bad", expired: "bad" };
const WHO: Record<string, string> = { partner: "Partner", officer: "Provider's officers", admin: "Provider's admin" };

/** The items of one partner × environment exchange, each with its state and who acts next. */
export function ExchangeTable({ items }: { items: ExchangeItem[] }) {
  return (
    <Table
      label="Exchange items"
      head={["Item", "State", "Who acts next", "Next step", "Since", "Expires"]}
      rows={items.map((i) => [
        <span key="t" data-kind={i.kind}>
          {i.title}
        </span>,
        <Badge key="s" tone={TONE[i.state]}>
          {i.state}
        </Badge>,
        <span key="n" data-testid={`next-${i.kind}`}>
          {i.next ? WHO[i.next] : "Nobody (done)"}
        </span>,
        i.step,
        formatDay(i.since),
        formatDay(i.expires),
      ])}
    />
  );
}
